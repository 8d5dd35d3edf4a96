package libpod

import (
	"testing"

	"github.com/pm-project/pm/pkg/stagelock"
)

// pm's storage must lock its staging directories with pkg/stagelock (the
// Makefile builds against bin/pm.mod, made by hack/storage-overlay.sh); a
// plain `go build` against go.mod gets storage's own locks, which let
// parallel builds and pulls delete each other's staging directories.
func TestStorageUsesStagelock(t *testing.T) {
	if !stagelock.Linked() {
		t.Fatal("go.podman.io/storage in this build locks its staging directories itself: build with the Makefile (-modfile=bin/pm.mod from hack/storage-overlay.sh)")
	}
}
