package rootless

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
)

// RuntimeDir returns the directory for pm's runtime files: $XDG_RUNTIME_DIR
// when it is an existing directory owned by the user, else /tmp/pm-run-$UID
// (created 0700, refused when it is a symlink, not a directory or owned by
// someone else). Root uses /run.
func RuntimeDir() (string, error) {
	if !IsRootless() {
		return "/run", nil
	}
	// Ownership is compared in the current view: inside the namespace the
	// user's files belong to uid 0.
	uid := os.Geteuid()
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		err := checkXDGDir(d, uid)
		if err == nil {
			return d, nil
		}
		slog.Debug("ignoring XDG_RUNTIME_DIR", "err", err)
	}
	d := fmt.Sprintf("/tmp/pm-run-%d", UID())
	if err := ensurePrivateDir(d, uid); err != nil {
		return "", err
	}
	return d, nil
}

// PauseDir returns the directory of pm's own runtime files,
// RuntimeDir()/pm, creating it.
func PauseDir() (string, error) {
	d, err := RuntimeDir()
	if err != nil {
		return "", err
	}
	d = filepath.Join(d, "pm")
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", d, err)
	}
	return d, nil
}

// PausePIDFile returns the path of the file holding the pause process's pid.
func PausePIDFile() (string, error) {
	d, err := PauseDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "pause.pid"), nil
}

// checkXDGDir reports why d cannot serve as the runtime directory of uid.
func checkXDGDir(d string, uid int) error {
	if !filepath.IsAbs(d) {
		return fmt.Errorf("XDG_RUNTIME_DIR %q is not an absolute path", d)
	}
	fi, err := os.Stat(d)
	if err != nil {
		return fmt.Errorf("XDG_RUNTIME_DIR: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("XDG_RUNTIME_DIR %s is not a directory", d)
	}
	if owner(fi) != uid {
		return fmt.Errorf("XDG_RUNTIME_DIR %s is owned by uid %d, not %d", d, owner(fi), uid)
	}
	return nil
}

// ensurePrivateDir creates d with mode 0700, or checks that the existing d
// is a real directory owned by uid, so that no other user can plant files in
// it or redirect it.
func ensurePrivateDir(d string, uid int) error {
	if err := os.Mkdir(d, 0o700); err != nil && !os.IsExist(err) {
		return fmt.Errorf("creating runtime directory %s: %w", d, err)
	}
	fi, err := os.Lstat(d)
	if err != nil {
		return fmt.Errorf("checking runtime directory %s: %w", d, err)
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("runtime directory %s is a symlink: refusing to use it", d)
	case !fi.IsDir():
		return fmt.Errorf("runtime directory %s is not a directory: refusing to use it", d)
	case owner(fi) != uid:
		return fmt.Errorf("runtime directory %s is owned by uid %d, not %d: refusing to use it", d, owner(fi), uid)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("making runtime directory %s private: %w", d, err)
		}
	}
	return nil
}

func owner(fi os.FileInfo) int {
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid)
	}
	return -1
}
