// Package lock provides cross-process file locks: one file per name in a
// directory (pm's TmpDir/locks), locked with flock(2). A lock is held by an
// open file description, so it is released when the process exits, even by
// SIGKILL, and two goroutines of one process exclude each other too.
//
// # Lock order
//
// Operations that span processes (start, stop, rm, exec, cleanup) hold
// locks while they work. To stay free of deadlocks, every pm process takes
// them in this order and releases them in reverse:
//
//  1. the pod lock ("pod-<pod ID>"), when the operation concerns a pod or a
//     container in one;
//  2. container locks ("ctr-<container ID>"), several in ascending order of
//     container ID;
//  3. volume locks ("vol-<name>"), in ascending order of name;
//  4. the state database transaction (state.DB.Update or View).
//
// A container's health scheduler holds its own lock (TmpDir/healthcheck/
// <container ID>.lock) for its whole life, before and outside the order
// above: it takes container locks while holding it, and no one waits for
// it while holding another lock (start and stop end a scheduler with
// SIGKILL instead).
//
// A waiting pm's cleanup claim (libpod's CleanupClaim, TmpDir/
// exit-claims/<container ID>) is also taken before and outside the order:
// conmon's exit command waits for it holding no other lock, and the
// claimant never waits for an exit command.
//
// The scratch lock ("scratch", see libpod/scratch.go) is held shared by
// whatever writes temporary files in pm's scratch directory or makes
// layers no image refers to yet (pull, load, import, save, push, commit,
// build), at any point of the order above. Only the sweeper of the
// scratch directory and of orphan layers takes it exclusively, and
// either only tries it (when storage opens) or waits for it holding no
// other lock (system prune); while it holds it, it only tries other
// locks. So it never closes a cycle.
//
// No lock is taken inside a database transaction: a transaction holds
// SQLite's write lock, and a process waiting in it for a file lock held by
// a process waiting for the database would deadlock both until the busy
// timeout. Read the records, take the locks, then re-read in the
// transaction and check nothing changed (define.ErrStateChanged).
package lock
