package rootless

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pauseReadyTimeout bounds the wait for a new pause process.
const pauseReadyTimeout = 10 * time.Second

// EnsureUserNamespace makes sure the process runs inside the user's
// namespace: it starts the pause process when there is none and re-executes
// pm, which then joins it. It returns at once for root and when joined; on
// success it does not return otherwise.
func EnsureUserNamespace() error {
	if !IsRootless() || Joined() {
		return nil
	}
	if !canJoin {
		return errors.New("pm was built without cgo and cannot join a user namespace")
	}
	if st.reexecked {
		if st.joinErr != nil {
			return st.joinErr
		}
		return errors.New("pm re-executed itself to join the pause process, but found none (did it exit at once?)")
	}
	dir, err := PauseDir()
	if err != nil {
		return err
	}
	unlock, err := lockPause(dir)
	if err != nil {
		return err
	}
	pidFile := filepath.Join(dir, "pause.pid")
	// Another pm may have started one while we waited for the lock.
	if pid, err := readPIDFile(pidFile); err == nil && isPause(pid) {
		unlock()
		return reexec()
	}
	pid, err := startPause()
	if err == nil {
		err = writePIDFile(pidFile, pid)
		if err != nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	unlock()
	if err != nil {
		return err
	}
	return reexec()
}

// StopPauseProcess kills the user's pause process, if one runs, and removes
// its pid file, so that the next pm starts a new one (with the current
// /etc/subuid and /etc/subgid).
func StopPauseProcess() error {
	if !IsRootless() {
		return nil
	}
	dir, err := PauseDir()
	if err != nil {
		return err
	}
	unlock, err := lockPause(dir)
	if err != nil {
		return err
	}
	defer unlock()
	pidFile := filepath.Join(dir, "pause.pid")
	pid, err := readPIDFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil && isPause(pid) {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("stopping pause process %d: %w", pid, err)
		}
	}
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing %s: %w", pidFile, err)
	}
	return nil
}

// lockPause takes the lock that serialises creating and stopping the pause
// process. The lock fd is close-on-exec, so neither the pause process nor a
// re-executed pm holds it.
func lockPause(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, "pause.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

func readPIDFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("reading %s: bad pid %q", path, b)
	}
	return pid, nil
}

func writePIDFile(path string, pid int) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pause.pid.")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, err = tmp.WriteString(strconv.Itoa(pid) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// isPause reports whether pid is a live pause process of this user: its
// name is the one the constructor gives it, the current user owns it (in the
// current view of ids, so it works inside the namespace too) and it still has
// namespaces (a zombie has none), as the constructor checks.
func isPause(pid int) bool {
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil || strings.TrimSpace(string(comm)) != pauseName {
		return false
	}
	fi, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	if err != nil || owner(fi) != os.Geteuid() {
		return false
	}
	_, err = os.Stat(fmt.Sprintf("/proc/%d/ns/user", pid))
	return err == nil
}

// reexec runs pm again from the start so that its constructor joins the
// pause process's namespaces; the marker makes a second failure an error
// instead of a loop.
func reexec() error {
	env := append(os.Environ(), envReexec+"=1")
	if err := syscall.Exec("/proc/self/exe", os.Args, env); err != nil {
		return fmt.Errorf("re-executing pm to join the user namespace: %w", err)
	}
	return nil
}

// startPause starts the pause process in a new user and mount namespace,
// maps the user's ids into it and waits until it is ready. It returns the
// pause process's pid.
func startPause() (pid int, retErr error) {
	syncR, syncW, err := os.Pipe()
	if err != nil {
		return 0, fmt.Errorf("creating pipe: %w", err)
	}
	defer syncW.Close()
	readyR, readyW, err := os.Pipe()
	if err != nil {
		syncR.Close()
		return 0, fmt.Errorf("creating pipe: %w", err)
	}
	defer readyR.Close()

	// Stdio stays nil (/dev/null): the pause process outlives this command
	// and must not hold the pipes of whoever captures pm's output.
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{pauseName}
	cmd.Env = []string{envPause + "=1"}
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{syncR, readyW} // fds 3 and 4
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		Setsid:     true,
	}
	err = cmd.Start()
	syncR.Close()
	readyW.Close()
	if err != nil {
		return 0, fmt.Errorf("starting the pause process: %w", err)
	}
	pid = cmd.Process.Pid
	defer func() {
		if retErr != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()

	if err := mapIDs(pid); err != nil {
		return 0, err
	}
	if _, err := syncW.Write([]byte{1}); err != nil {
		return 0, fmt.Errorf("signalling the pause process: %w", err)
	}
	syncW.Close()

	_ = readyR.SetReadDeadline(time.Now().Add(pauseReadyTimeout))
	msg, err := io.ReadAll(io.LimitReader(readyR, 512))
	switch {
	case err != nil:
		return 0, fmt.Errorf("waiting for the pause process: %w", err)
	case len(msg) == 0:
		return 0, errors.New("the pause process exited before it was ready")
	case msg[0] != 'R':
		return 0, fmt.Errorf("pause process: %s", msg[1:])
	}
	_ = cmd.Process.Release()
	return pid, nil
}
