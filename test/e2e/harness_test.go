// Package e2e runs the built pm binary as an unprivileged user against test
// images served by a local docker-registry.
//
// TestMain (main_test.go) prepares the shared world once: a world-readable
// temporary directory holding a copy of bin/pm and the fixtures, the test
// users, the registry. Each test then takes its own environment:
//
//	env := newEnv(t)                     // rootless, as the test user, t.Parallel()
//	res := env.PM("images", "-q")        // Result{Stdout, Stderr, Code}
//	env.PMOK("pull", "busybox")          // fails the test on a non-zero exit
//	env.PMStdin(r, "load")               // with stdin
//	env.PM("rmi", "nosuch").ExpectError(t, 125, "no such image")
//	root := env.Root()                   // real root, own --root/--runroot
//
// Commands must be run from the test's goroutine (a timeout calls t.Fatal).
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// cmdTimeout bounds every pm command: a hang fails the test instead of CI.
const cmdTimeout = 2 * time.Minute

// hostPath is the PATH every pm command sees.
const hostPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Result is what one pm command did.
type Result struct {
	Args   []string
	Stdout string
	Stderr string
	Code   int
}

// Lines returns the non-empty lines of stdout.
func (r Result) Lines() []string {
	var out []string
	for _, l := range strings.Split(r.Stdout, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// logLine is one line pm logs off a terminal, as Podman does:
// time="..." level=warning msg="..." (msg quoted when it needs quotes).
var logLine = regexp.MustCompile(`^time="[^"]*" level=(\w+) msg=("(?:[^"\\]|\\.)*"|\S*)(.*)$`)

// Logged is stderr with each of pm's log lines written as a terminal shows
// it ("WARN[0000] the message", the message unquoted), other lines as they
// are, so tests match a warning's words whatever its quoting.
func (r Result) Logged() string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(r.Stderr, "\n") {
		m := logLine.FindStringSubmatch(strings.TrimSuffix(l, "\n"))
		if m == nil {
			b.WriteString(l)
			continue
		}
		msg := m[2]
		if u, err := strconv.Unquote(msg); err == nil {
			msg = u
		}
		lvl := strings.ToUpper(m[1])
		if len(lvl) > 4 {
			lvl = lvl[:4]
		}
		fmt.Fprintf(&b, "%s[0000] %s%s\n", lvl, msg, m[3])
	}
	return b.String()
}

func (r Result) String() string {
	return fmt.Sprintf("pm %s: exit %d\nstdout: %q\nstderr: %q", shellJoin(r.Args), r.Code, r.Stdout, r.Stderr)
}

// ExpectError checks that the command failed with code, that stderr is one
// line starting with "Error: " and containing substr (case-insensitive), and
// that stdout is empty.
func (r Result) ExpectError(t testing.TB, code int, substr string) {
	t.Helper()
	if r.Code != code {
		t.Errorf("pm %s: exit code %d, want %d\nstderr: %s", shellJoin(r.Args), r.Code, code, r.Stderr)
	}
	msg := strings.TrimSuffix(r.Stderr, "\n")
	// A command-line error is followed by a pointer to the help, as Podman's.
	if i := strings.LastIndex(msg, "\nSee 'pm"); i >= 0 && strings.HasSuffix(msg, " --help'") {
		msg = msg[:i]
	}
	if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "Error: ") {
		t.Errorf("pm %s: stderr is not one line starting with \"Error: \":\n%s", shellJoin(r.Args), r.Stderr)
	}
	if !strings.Contains(strings.ToLower(msg), strings.ToLower(substr)) {
		t.Errorf("pm %s: stderr %q does not contain %q", shellJoin(r.Args), msg, substr)
	}
	if r.Stdout != "" {
		t.Errorf("pm %s: stdout not empty on error: %q", shellJoin(r.Args), r.Stdout)
	}
}

// testUser is an account the commands run as.
type testUser struct {
	Name     string
	UID, GID int
	Home     string
}

// EnvConfig selects a variant of environment; the zero value is the usual
// rootless one.
type EnvConfig struct {
	// User runs the commands as another account (e.g. user2, with no
	// subordinate ranges). Nil means the main test user.
	User *testUser
	// NoRuntimeDir leaves XDG_RUNTIME_DIR unset, so pm falls back to
	// /tmp/pm-run-$UID. As root the commands run as a user of their own
	// (fallbackUser), so the directory is never a developer's. Such
	// environments of one user, in this and any concurrent run, are
	// serialised by a lock; the test refuses a directory that exists when it
	// starts (not created by this run), and the directory is removed at
	// cleanup. User must be nil.
	NoRuntimeDir bool
}

// Env is one test's world: its own HOME and XDG directories, owned by the
// user the commands run as.
type Env struct {
	t          *testing.T
	Dir        string // the environment's directory, writable by its user
	Home       string
	ConfigHome string
	DataHome   string
	RuntimeDir string // "" when XDG_RUNTIME_DIR is unset
	User       testUser
	Registry   string   // the test registry, host:port
	root       bool     // runs as real root
	globalArgs []string // prepended to every command (--root, --runroot)
	extraEnv   []string
	// wrap, when set, runs the test's commands through this program and
	// arguments, started as root, which switch to the user themselves
	// (see inNetNS).
	wrap []string
}

var envSeq atomic.Int64

// newEnv returns a fresh rootless environment for t and marks t parallel.
func newEnv(t *testing.T) *Env {
	t.Helper()
	return newEnvWith(t, EnvConfig{})
}

// newEnvWith is newEnv with a variant.
func newEnvWith(t *testing.T, cfg EnvConfig) *Env {
	t.Helper()
	t.Parallel()
	u := mainUser
	if cfg.User != nil {
		u = *cfg.User
	}
	if cfg.NoRuntimeDir {
		if cfg.User != nil {
			t.Fatal("an environment with NoRuntimeDir runs as its own user")
		}
		if fallbackUser != nil {
			u = *fallbackUser
		}
	}
	e := &Env{t: t, User: u, Registry: registry}
	if cfg.NoRuntimeDir {
		e.lockFallback()
	}
	e.makeDirs("", !cfg.NoRuntimeDir)
	t.Cleanup(e.cleanup)
	return e
}

// lockFallback takes /tmp/pm-run-$UID of the environment's user for the
// test: it waits for the user's lock (a flock of the user's home directory,
// which concurrent runs of the harness take as well), then refuses the
// directory if it exists: this run did not create it, so it belongs to a
// developer or to a run that crashed. The lock is released at cleanup,
// after the directory is removed.
func (e *Env) lockFallback() {
	t := e.t
	t.Helper()
	f, err := os.Open(e.User.Home)
	if err != nil {
		t.Fatalf("opening the home directory of %s to lock it: %v", e.User.Name, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		t.Fatalf("locking %s: %v", e.User.Home, err)
	}
	t.Cleanup(func() { f.Close() })
	dir := fallbackRuntimeDir(e.User.UID)
	if _, err := os.Lstat(dir); err == nil {
		if !isRoot {
			t.Skipf("%s exists: it is yours, not the test's", dir)
		}
		t.Fatalf("%s exists, and this run did not create it: remove it (and stop its pause process) if no pm of %s uses it", dir, e.User.Name)
	}
}

func fallbackRuntimeDir(uid int) string { return fmt.Sprintf("/tmp/pm-run-%d", uid) }

// Root returns an environment of the same test that runs pm as real root,
// with its own --root and --runroot. It skips the test when not root.
func (e *Env) Root() *Env {
	e.t.Helper()
	if !isRoot {
		e.t.Skip("needs root")
	}
	r := &Env{t: e.t, User: testUser{Name: "root"}, Registry: registry, root: true}
	r.makeDirs("root-", true)
	// pm's own runtime files go to --tmpdir, not to /run/pm, which every
	// root pm of the machine shares.
	r.globalArgs = []string{"--root", r.graphRoot(), "--runroot", filepath.Join(r.Dir, "runroot"), "--tmpdir", r.runtimeDir()}
	e.t.Cleanup(r.cleanup)
	return r
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (e *Env) makeDirs(prefix string, runtimeDir bool) {
	t := e.t
	t.Helper()
	name := unsafeChars.ReplaceAllString(t.Name(), "_")
	if len(name) > 60 {
		name = name[:60]
	}
	e.Dir = filepath.Join(workDir, "envs", fmt.Sprintf("%s%s-%d", prefix, name, envSeq.Add(1)))
	e.Home = filepath.Join(e.Dir, "home")
	e.ConfigHome = filepath.Join(e.Dir, "config")
	e.DataHome = filepath.Join(e.Dir, "data")
	dirs := []string{e.Dir, e.Home, e.ConfigHome, e.DataHome, filepath.Join(e.ConfigHome, "containers")}
	if runtimeDir {
		e.RuntimeDir = filepath.Join(e.Dir, "run")
		dirs = append(dirs, e.RuntimeDir)
	}
	for _, d := range dirs {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatalf("creating %s: %v", d, err)
		}
	}
	conf := filepath.Join(e.ConfigHome, "containers")
	regConf := fmt.Sprintf("unqualified-search-registries = [%q]\n\n[[registry]]\nlocation = %q\ninsecure = true\n", registry, registry)
	if err := os.WriteFile(filepath.Join(conf, "registries.conf"), []byte(regConf), 0o644); err != nil {
		t.Fatal(err)
	}
	policy := `{"default":[{"type":"insecureAcceptAnything"}]}` + "\n"
	if err := os.WriteFile(filepath.Join(conf, "policy.json"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	if runtimeDir {
		if err := os.Chmod(e.RuntimeDir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if isRoot && !e.root {
		err := filepath.Walk(e.Dir, func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, e.User.UID, e.User.GID)
		})
		if err != nil {
			t.Fatalf("chown %s: %v", e.Dir, err)
		}
	}
}

// Path returns a path inside the environment's directory (writable by the
// user the commands run as).
func (e *Env) Path(name string) string { return filepath.Join(e.Dir, name) }

// Fixture returns the path of a fixture file (busybox.oci.tar, ...).
func Fixture(name string) string { return filepath.Join(fixturesDir, name) }

// SetEnv adds KEY=VALUE to the environment of the following commands.
func (e *Env) SetEnv(kv ...string) { e.extraEnv = append(e.extraEnv, kv...) }

// environ is the clean environment of every command.
func (e *Env) environ() []string {
	env := []string{
		"HOME=" + e.Home,
		"USER=" + e.User.Name,
		"LOGNAME=" + e.User.Name,
		"XDG_CONFIG_HOME=" + e.ConfigHome,
		"XDG_DATA_HOME=" + e.DataHome,
		"PATH=" + hostPath,
		"CONTAINERS_REGISTRIES_CONF=" + filepath.Join(e.ConfigHome, "containers", "registries.conf"),
		"LANG=C.UTF-8",
	}
	if e.RuntimeDir != "" {
		env = append(env, "XDG_RUNTIME_DIR="+e.RuntimeDir)
	}
	return append(env, e.extraEnv...)
}

// PM runs pm with args and returns what it did; it never fails the test
// except on a timeout.
func (e *Env) PM(args ...string) Result {
	e.t.Helper()
	return e.run(nil, pmBinary, args...)
}

// PMStdin is PM with stdin.
func (e *Env) PMStdin(stdin io.Reader, args ...string) Result {
	e.t.Helper()
	return e.run(stdin, pmBinary, args...)
}

// PMOK runs pm and fails the test now unless it exits 0.
func (e *Env) PMOK(args ...string) Result {
	e.t.Helper()
	r := e.run(nil, pmBinary, args...)
	if r.Code != 0 {
		e.t.Fatalf("pm %s: exit %d\nstderr: %s\nstdout: %s", shellJoin(args), r.Code, r.Stderr, r.Stdout)
	}
	return r
}

// Exec runs another program as the environment's user, with its environment.
func (e *Env) Exec(name string, args ...string) Result {
	e.t.Helper()
	return e.run(nil, name, args...)
}

func (e *Env) run(stdin io.Reader, bin string, args ...string) Result {
	t := e.t
	t.Helper()
	full := args
	if bin == pmBinary {
		full = append(append([]string{}, e.globalArgs...), args...)
	}
	cmd := exec.Command(bin, full...)
	if len(e.wrap) > 0 {
		cmd = exec.Command(e.wrap[0], append(append(append([]string{}, e.wrap[1:]...), bin), full...)...)
	}
	cmd.Env = e.environ()
	cmd.Dir = e.Dir
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if isRoot && !e.root && len(e.wrap) == 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{
			Uid: uint32(e.User.UID), Gid: uint32(e.User.GID), Groups: []uint32{},
		}
	}
	// A process pm leaves behind holding stdout or stderr (a pause process,
	// conmon) would make `$(pm ...)` hang in a shell: report it.
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(cmdTimeout):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("%s %s: timed out after %v (process group killed)\nstdout: %s\nstderr: %s",
			filepath.Base(bin), shellJoin(args), cmdTimeout, stdout.String(), stderr.String())
	}
	res := Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.Is(err, exec.ErrWaitDelay):
		t.Errorf("%s %s: exited, but a process it left holds its stdout or stderr open", filepath.Base(bin), shellJoin(args))
		res.Code = cmd.ProcessState.ExitCode()
	case errors.As(err, &exitErr):
		res.Code = exitErr.ExitCode()
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Errorf("%s %s: killed by %v\nstderr: %s", filepath.Base(bin), shellJoin(args), ws.Signal(), res.Stderr)
			res.Code = 128 + int(ws.Signal())
		}
	default:
		t.Fatalf("%s %s: %v", filepath.Base(bin), shellJoin(args), err)
	}
	t.Logf("$ %s %s  # exit %d, %v", filepath.Base(bin), shellJoin(args), res.Code, time.Since(start).Round(time.Millisecond))
	if res.Code != 0 && res.Stderr != "" {
		t.Logf("  stderr: %s", strings.TrimSpace(res.Stderr))
	}
	return res
}

// PausePID returns the pid in the environment's pause.pid file, or 0.
//
// The pid file outlives its process (pm system migrate, a killed pause
// process), and pids wrap around quickly while the tests run: a pid whose
// process started after the file was written belongs to someone else, and
// is not returned (killing "the pause process's namespace" would kill
// another test's processes).
func (e *Env) PausePID() int {
	if e.root {
		return 0
	}
	file := filepath.Join(e.runtimeDir(), "pm", "pause.pid")
	pid := readPid(file)
	fi, err := os.Stat(file)
	if pid <= 0 || err != nil {
		return 0
	}
	if started, ok := procStart(pid); !ok || started.After(fi.ModTime().Add(time.Second)) {
		return 0
	}
	return pid
}

// procStart returns when process pid started, from /proc (to the clock
// tick); false when there is no such process.
func procStart(pid int) (time.Time, bool) {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return time.Time{}, false
	}
	// Fields after the command name, which may hold spaces: state is
	// field 3, starttime field 22.
	i := bytes.LastIndexByte(st, ')')
	f := strings.Fields(string(st[i+1:]))
	if i < 0 || len(f) < 20 {
		return time.Time{}, false
	}
	ticks, err := strconv.ParseInt(f[19], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return bootTime().Add(time.Duration(ticks) * time.Second / clockTicks), true
}

// clockTicks is USER_HZ, the unit of /proc's process times: 100 on every
// Linux architecture pm runs on.
const clockTicks = 100

// bootTime is the system's boot time, from /proc/stat's btime.
func bootTime() time.Time {
	b, _ := os.ReadFile("/proc/stat")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "btime "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return time.Unix(n, 0)
		}
	}
	return time.Time{}
}

func readPid(file string) int {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}

// cleanup tears the environment down as its user would, fails the test for
// what pm left behind (see checkLeftovers), then removes what is left: the
// environment's processes and pause process, its mounts and directories.
// It touches nothing the environment did not create.
func (e *Env) cleanup() {
	t := e.t
	e.teardown()
	e.checkLeftovers()
	if !isRoot && !e.root {
		// Files of subordinate uids can only be removed inside the namespace.
		_ = e.quietRun("unshare", "rm", "-rf", e.DataHome, e.Dir+"/run/containers")
	}
	marker := e.marker()
	bases := e.userNSBases()
	killProcesses(func(p procInfo) bool { return p.hasEnv(marker) }, func() []int { return []int{e.PausePID()} })
	for _, b := range bases {
		// Mounted in the pause process's namespace only, which is gone.
		if err := os.Remove(b); err != nil {
			t.Errorf("cleanup: removing %s: %v", b, err)
		}
	}
	unmountUnder(e.Dir)
	if e.RuntimeDir == "" && !e.root {
		dir := fallbackRuntimeDir(e.User.UID)
		unmountUnder(dir)
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("cleanup: removing %s: %v", dir, err)
		}
	}
	if err := os.RemoveAll(e.Dir); err != nil {
		t.Errorf("cleanup: removing %s: %v", e.Dir, err)
	}
}

// quietRun runs pm for cleanup, without logging and with a short timeout.
func (e *Env) quietRun(args ...string) error {
	_, err := e.quietOutput(args...)
	return err
}

// quietOutput is quietRun that returns stdout and stderr.
func (e *Env) quietOutput(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, pmBinary, append(append([]string{}, e.globalArgs...), args...)...)
	cmd.Env = e.environ()
	cmd.Dir = e.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if isRoot && !e.root {
		cmd.SysProcAttr.Credential = &syscall.Credential{
			Uid: uint32(e.User.UID), Gid: uint32(e.User.GID), Groups: []uint32{},
		}
	}
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func shellJoin(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`{}*?|&;<>()") {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		} else {
			b.WriteString(a)
		}
	}
	return b.String()
}
