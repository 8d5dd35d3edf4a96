package e2e

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildTags are the tags pm and the fixture builder are built with.
const buildTags = "containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper"

// The test users. As root the harness creates them; otherwise the tests run
// as the current user and user2 is nil.
const (
	testUserName     = "pmtest"
	testUser2Name    = "pmtest2"         // has no subordinate ranges
	fallbackUserName = "pmtest-fallback" // runs the NoRuntimeDir environments
	subidRange       = "400000:65536"
)

var (
	isRoot      bool
	pmBinary    string // the copy of bin/pm in workDir
	workDir     string // /tmp/pm-e2e-XXXX, world-readable
	fixturesDir string // test image archives, rootfs.tar, oci layout
	registry    string // 127.0.0.1:PORT
	mainUser    testUser
	user2       *testUser
	// fallbackUser has no XDG_RUNTIME_DIR in the tests, so pm uses its
	// /tmp/pm-run-$UID; nil when not root (the current user then).
	fallbackUser *testUser
)

func TestMain(m *testing.M) {
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		// The tests mostly wait on processes; GOMAXPROCS is a poor bound.
		_ = flag.Set("test.parallel", "4")
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) (code int) {
	isRoot = os.Geteuid() == 0
	src, err := findBinary()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: becoming the reaper of pm's orphans: %v\n", err)
		return 1
	}
	workDir, err = os.MkdirTemp("/tmp", "pm-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	keep := os.Getenv("PM_E2E_KEEP") != ""
	defer func() {
		if n := sweep(); n > 0 {
			fmt.Fprintf(os.Stderr, "e2e: FAIL: the run left %d processes behind\n", n)
			code = 1
		}
		unmountUnder(workDir)
		if keep {
			fmt.Fprintf(os.Stderr, "e2e: keeping %s\n", workDir)
			return
		}
		if err := os.RemoveAll(workDir); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: removing %s: %v\n", workDir, err)
		}
	}()
	if err := setup(src); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: setup: %v\n", err)
		return 1
	}
	stop, err := startRegistry()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: registry: %v\n", err)
		return 1
	}
	defer stop()
	if err := buildFixtures(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: test images: %v\n", err)
		return 1
	}
	return m.Run()
}

// findBinary returns the absolute path of the pm binary under test.
func findBinary() (string, error) {
	p := os.Getenv("PM_BINARY")
	if p == "" {
		p = "../../bin/pm"
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(abs); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return "", fmt.Errorf("no pm binary at %s: run `make build` first (or set PM_BINARY)", abs)
	}
	return abs, nil
}

func setup(src string) error {
	if err := os.Chmod(workDir, 0o755); err != nil {
		return err
	}
	for _, d := range []string{"envs", "fixtures"} {
		if err := os.Mkdir(filepath.Join(workDir, d), 0o755); err != nil {
			return err
		}
	}
	fixturesDir = filepath.Join(workDir, "fixtures")
	pmBinary = filepath.Join(workDir, "pm")
	if err := copyFile(src, pmBinary, 0o755); err != nil {
		return err
	}
	if !isRoot {
		u, err := user.Current()
		if err != nil {
			return err
		}
		mainUser = testUser{Name: u.Username, UID: os.Getuid(), GID: os.Getgid(), Home: u.HomeDir}
		return nil
	}
	u, err := ensureUser(testUserName, false)
	if err != nil {
		return err
	}
	mainUser = u
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		if err := ensureSubIDs(f, u); err != nil {
			return err
		}
	}
	// A system account: useradd gives ordinary accounts subordinate ranges
	// by itself where /etc/subuid exists.
	u2, err := ensureUser(testUser2Name, true)
	if err != nil {
		return err
	}
	user2 = &u2
	fb, err := ensureUser(fallbackUserName, true)
	if err != nil {
		return err
	}
	fallbackUser = &fb
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func ensureUser(name string, system bool) (testUser, error) {
	if _, err := user.Lookup(name); err != nil {
		args := []string{"-m", "-s", "/bin/sh", name}
		if system {
			args = append([]string{"-r"}, args...)
		}
		out, err := exec.Command("useradd", args...).CombinedOutput()
		if err != nil {
			return testUser{}, fmt.Errorf("useradd %s: %v: %s", name, err, out)
		}
	}
	u, err := user.Lookup(name)
	if err != nil {
		return testUser{}, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return testUser{Name: name, UID: uid, GID: gid, Home: u.HomeDir}, nil
}

// ensureSubIDs appends a range for u to file unless it has a line for u
// (by name or uid). Other lines are never touched.
func ensureSubIDs(file string, u testUser) error {
	if hasSubIDs(file, u) {
		return nil
	}
	data, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	line := u.Name + ":" + subidRange + "\n"
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n") {
		line = "\n" + line
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func hasSubIDs(file string, u testUser) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		owner, _, _ := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if owner == u.Name || owner == strconv.Itoa(u.UID) {
			return true
		}
	}
	return false
}

// subIDLine returns the "start:count" of u's first range in file, or "".
func subIDLine(file string, u testUser) string {
	data, _ := os.ReadFile(file)
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(strings.TrimSpace(l), ":")
		if len(f) == 3 && (f[0] == u.Name || f[0] == strconv.Itoa(u.UID)) {
			return f[1] + ":" + f[2]
		}
	}
	return ""
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// freePortBelowEphemeral returns a port below the kernel's ephemeral
// range (and above buildJobsPorts) that is free on every address now.
func freePortBelowEphemeral() (int, error) {
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > buildJobsPorts[1]+1000 {
				low = n
			}
		}
	}
	return freePortIn(buildJobsPorts[1], low)
}

// buildJobsPorts are TestBuildJobs's own: no other test publishes them.
var buildJobsPorts = [2]int{10000, 12000}

// freePortIn returns a port in [lo, hi) free on every address now.
func freePortIn(lo, hi int) (int, error) {
	for i := 0; i < 100; i++ {
		port := lo + rand.Intn(hi-lo)
		l, err := net.Listen("tcp", ":"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		l.Close()
		return port, nil
	}
	return 0, fmt.Errorf("no free port in [%d, %d)", lo, hi)
}

// startRegistry runs docker-registry on a free port of 127.0.0.1 and
// returns a function that stops it.
func startRegistry() (func(), error) {
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		return nil, fmt.Errorf("docker-registry not installed (make deps): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	registry = fmt.Sprintf("127.0.0.1:%d", port)
	dir := filepath.Join(workDir, "registry")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "data"), registry)
	confFile := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", confFile)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + registry + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
			return nil, fmt.Errorf("docker-registry exited: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("docker-registry did not answer on %s: %v", registry, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// buildFixtures builds hack/testimages into workDir (the Go build cache makes
// this quick after the first time), runs it, and pushes to the registry.
func buildFixtures() error {
	start := time.Now()
	bin := os.Getenv("PM_TESTIMAGES")
	if bin == "" {
		bin = filepath.Join(workDir, "testimages")
		goBin, err := exec.LookPath("go")
		if err != nil {
			return fmt.Errorf("go not in PATH (set PM_TESTIMAGES to a built hack/testimages): %w", err)
		}
		cmd := exec.Command(goBin, "build", "-tags", buildTags, "-o", bin, "./hack/testimages")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building hack/testimages: %v: %s", err, out)
		}
	}
	out, err := exec.Command(bin, "-out", fixturesDir, "-registry", registry).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", bin, err, out)
	}
	// The fixtures are read by the test users.
	err = filepath.Walk(fixturesDir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		mode := info.Mode().Perm() | 0o444
		if info.IsDir() {
			mode |= 0o111
		}
		return os.Chmod(p, mode)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "e2e: fixtures built and pushed to %s in %v\n", registry, time.Since(start).Round(time.Millisecond))
	return nil
}

// sweep reports and kills every process this run left: the test process
// is the reaper of pm's orphans (becomeSubreaper), so whatever still runs
// below it once the tests and the registry are done was left by a test or
// by a cleanup (a pause process, a conmon, a container). It returns how
// many there were.
func sweep() int {
	left := descendants()
	if len(left) == 0 {
		return 0
	}
	pauseFiles := map[int]string{}
	files, _ := filepath.Glob("/tmp/pm-run-*/pm/pause.pid")
	for _, f := range files {
		pauseFiles[readPid(f)] = f
	}
	for _, p := range left {
		where := ""
		if f, ok := pauseFiles[p.pid]; ok {
			where = ", the pause process of " + f
		}
		fmt.Fprintf(os.Stderr, "e2e: leftover process %v%s\n", p, where)
	}
	killProcesses(func(procInfo) bool { return false }, func() []int {
		var pids []int
		for _, p := range descendants() {
			pids = append(pids, p.pid)
		}
		return pids
	})
	return len(left)
}
