// replaces storage's file
// hack/storage-overlay.sh puts this file in place of the file of
// go.podman.io/storage at the same path, in the copy of storage pm is
// built with: storage's staging directories are then locked by
// pkg/stagelock, which closes a race between creating a lock file and
// locking it.

package staging_lockfile

import "github.com/pm-project/pm/pkg/stagelock"

// StagingLockFile is a held lock on a staging lock file.
type StagingLockFile = stagelock.Lock

func init() { stagelock.MarkLinked() }

// CreateAndLock creates a new lock file in dir (pattern plus a random
// suffix), locks it and returns it with its name.
func CreateAndLock(dir string, pattern string) (*StagingLockFile, string, error) {
	return stagelock.CreateAndLock(dir, pattern)
}

// TryLockPath locks path (creating it if missing) or fails at once.
func TryLockPath(path string) (*StagingLockFile, error) {
	return stagelock.TryLockPath(path)
}
