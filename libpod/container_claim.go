package libpod

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// A pm that waits for its container to exit (a foreground run, start -a,
// wait) cleans up after it itself, and conmon's exit command, started at
// the same moment, would only race it for the container's lock and pay a
// whole runtime's start for nothing. So the waiting pm claims the cleanup:
// it holds a flock on a file named after the container (TmpDir/
// exit-claims/<ID>) and writes "done" into it once the cleanup is made.
// The exit command waits for that flock holding no other lock and ends at
// once on "done". A claimant killed at any point releases the flock with
// its death, leaving no "done", and the exit command cleans up as ever.
// The claimant unlinks the file when it lets go; an exit command that
// comes after that finds no file and cleans up (cleanup is idempotent).

// claimDone is what a claim file holds once its claimant cleaned up. The
// constructor of pkg/rootless (constructor_linux.c) reads it too: the exit
// command of a made cleanup ends there, before the Go runtime starts.
const claimDone = "done"

// CleanupClaim is a waiting pm's claim on a container's cleanup. A nil
// claim (another process holds one) is valid and does nothing.
type CleanupClaim struct {
	f    *os.File
	path string
}

// ClaimPath is the claim file of the container id, which the exit command
// passes to pm container cleanup.
func (r *Runtime) ClaimPath(id string) string {
	return filepath.Join(r.cfg.TmpDir, "exit-claims", id)
}

// ClaimCleanup claims the cleanup of the container id for this process;
// it returns nil, and nothing is claimed, when another process holds the
// claim or the file cannot be made. Release it once done waiting.
func (r *Runtime) ClaimCleanup(id string) *CleanupClaim {
	p := r.ClaimPath(id)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil
	}
	// A file a killed claimant left says nothing about this run.
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil
	}
	return &CleanupClaim{f: f, path: p}
}

// done records that the container was cleaned up: the exit command has
// nothing left to do.
func (cl *CleanupClaim) done() {
	if cl == nil {
		return
	}
	cl.f.WriteAt([]byte(claimDone), 0)
}

// Release lets go of the claim: the file goes (when it is still this
// claim's), then the flock, which wakes a waiting exit command.
func (cl *CleanupClaim) Release() {
	if cl == nil {
		return
	}
	if sameFile(cl.f, cl.path) {
		os.Remove(cl.path)
	}
	cl.f.Close()
}

// sameFile reports whether path names the file f has open.
func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// CleanedByClaimant is the exit command's first step: when a waiting pm
// claimed the container's cleanup (path is its claim file), it waits for
// that pm to let go and reports whether it cleaned up. It reports false,
// and the exit command cleans up itself, when there is no claim or its
// claimant died or stopped waiting first. It needs no runtime: no
// configuration, database or storage.
func CleanedByClaimant(ctx context.Context, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EINTR) || ctx.Err() != nil {
			return false
		}
	}
	b := make([]byte, len(claimDone))
	n, _ := f.ReadAt(b, 0)
	if string(b[:n]) == claimDone {
		return true
	}
	// The claimant died before it cleaned up: its file goes with this
	// cleanup.
	if sameFile(f, path) {
		os.Remove(path)
	}
	return false
}
