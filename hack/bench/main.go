// Command bench times pm side by side with podman (when installed) and, for
// container runs, bare runc (the floor). Runs are interleaved, so machine
// noise hits every tool alike; it prints medians and ratios. Then it runs
// the seed's comparison of OCI runtimes: /bin/true in a new container, -seed
// times, through pm (and podman) with crun, runc and runsc, and with each
// bare runtime.
//
// As root it runs everything as the unprivileged user "pmbench" (created
// with a subordinate id range when missing), since rootless is pm's case.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	pmBin    = flag.String("pm", "bin/pm", "pm binary")
	runs     = flag.Int("n", 15, "runs per case and tool")
	noPodman = flag.Bool("no-podman", false, "skip podman even when installed")
	apiOnly  = flag.Bool("api", false, "only the API cases (docker CLI and requests through each system service)")
	seedRuns = flag.Int("seed", 100, "runs per runtime and tool of the OCI runtime comparison; 0 skips it")
	rtOnly   = flag.Bool("runtimes", false, "only the OCI runtime comparison")
)

const benchUser = "pmbench"

// runner runs one tool's commands as the bench user in its own directories.
type runner struct {
	name string
	bin  string
	env  []string
	cred *syscall.Credential
	dir  string
}

func (r *runner) cmd(args ...string) *exec.Cmd {
	c := exec.Command(r.bin, args...)
	c.Env = r.env
	c.Dir = r.dir
	c.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred, Setpgid: true}
	return c
}

func (r *runner) run(args ...string) (time.Duration, error) {
	c := r.cmd(args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	err := c.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("%s %s: %v: %s", r.name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return d, nil
}

func (r *runner) must(args ...string) {
	_, err := r.run(args...)
	check(err)
}

// benchCase is one measurement. sample returns one value per tool (ms, or
// what unit says); floor, when set, is bare runc's value for the same work.
type benchCase struct {
	name   string
	unit   string // "ms" (default) or "MB"
	n      int    // samples per tool; 0 means -n
	sample func(t *runner) (float64, error)
	floor  func() (float64, error)
	// errs counts failures a sample tolerates (concurrent runs): reported,
	// not fatal.
	errs map[string]int
}

// timed is a case that times one command per sample.
func timed(name string, args ...string) benchCase {
	return benchCase{name: name, sample: func(t *runner) (float64, error) {
		d, err := t.run(args...)
		return msOf(d), err
	}}
}

func main() {
	flag.Parse()
	pm, err := filepath.Abs(*pmBin)
	check(err)
	base, err := os.MkdirTemp("", "pm-bench-")
	check(err)
	check(os.Chmod(base, 0o755))
	defer os.RemoveAll(base)

	cred, uid := benchCredential()
	bin := filepath.Join(base, "pm")
	check(copyFile(pm, bin))

	var bare *nsRunner
	tools := []*runner{newRunner("pm", bin, base, cred, uid)}
	if p, err := exec.LookPath("podman"); err == nil && !*noPodman {
		tools = append(tools, newRunner("podman", p, base, cred, uid))
	}
	cleanup := func() {
		// Read before reset, which may remove the pid files.
		pauses := pausePIDs(base, uid)
		for _, t := range tools {
			t.run("rm", "-af", "-t", "0")
			t.run("system", "reset", "-f")
		}
		if bare != nil {
			bare.stop()
		}
		for _, pid := range pauses {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		killUnder(base)
		os.RemoveAll(base)
	}
	// check exits on the first error: clean up then too, or the bench
	// user's pause processes and conmons outlive the run.
	atExit = cleanup
	defer cleanup()

	// 20 distinct images, imported from small tarballs (one is enough for
	// the runtime comparison alone).
	nImages := 20
	if *rtOnly {
		nImages = 1
	}
	for i := 0; i < nImages; i++ {
		tarPath := filepath.Join(base, fmt.Sprintf("img%d.tar", i))
		check(writeRootfs(tarPath, i))
		for _, t := range tools {
			t.must("import", "-q", tarPath, fmt.Sprintf("localhost/bench%d:latest", i))
		}
	}
	fl := newFloor(base, cred, filepath.Join(base, "img0.tar"))
	var floorRun, floorLife func() (float64, error)
	if fl != nil {
		floorRun, floorLife = fl.run, fl.lifecycle
	}

	const img = "localhost/bench0:latest"
	seq := 0
	uniq := func() string { seq++; return fmt.Sprintf("b%d", seq) }
	conc, concRm := map[string]int{}, map[string]int{}
	cases := []benchCase{
		timed("version", "version"),
		timed("images (20 images)", "images"),
		timed("info", "info"),
		{name: "run --rm --network=none true", sample: func(t *runner) (float64, error) {
			d, err := t.run("run", "--rm", "--network=none", img, "true")
			return msOf(d), err
		}, floor: floorRun},
		{name: "create+start+stop+rm", sample: func(t *runner) (float64, error) {
			name := uniq()
			var total time.Duration
			for _, args := range [][]string{
				{"create", "--network=none", "--name", name, img, "sleep", "1000"},
				{"start", name},
				{"stop", "-t", "0", name},
				{"rm", name},
			} {
				d, err := t.run(args...)
				if err != nil {
					return 0, err
				}
				total += d
			}
			return msOf(total), nil
		}, floor: floorLife},
		{name: "run --rm (default network) true", sample: func(t *runner) (float64, error) {
			d, err := t.run("run", "--rm", img, "true")
			return msOf(d), err
		}},
		{name: "first byte of -p after run -d", sample: func(t *runner) (float64, error) {
			return firstByte(t, img, uniq())
		}},
		timed("ps -a (0 containers)", "ps", "-a"),
		{name: "20 concurrent run -d", n: 3, errs: conc, sample: func(t *runner) (float64, error) {
			d, failed := concurrentRuns(t, 20, img)
			conc[t.name] += failed
			_, err := t.run("rm", "-af", "-t", "0")
			return msOf(d), err
		}},
		{name: "20 concurrent rm -f", n: 3, errs: concRm, sample: func(t *runner) (float64, error) {
			ms, failed, err := concurrentRms(t, 20, img)
			concRm[t.name] += failed
			return ms, err
		}},
		{name: "conmon RSS per container", unit: "MB", n: 1, sample: func(t *runner) (float64, error) {
			return helperRSS(t, 10, img, "--network=none", "conmon")
		}},
		{name: "RSS/ctr, default network", unit: "MB", n: 1, sample: func(t *runner) (float64, error) {
			return helperRSS(t, 10, img, "", "conmon", "pasta", "passt", "passt.avx2", "slirp4netns")
		}},
	}
	// With 100 containers present.
	with100 := []benchCase{
		timed("ps -a (100 containers)", "ps", "-a"),
	}
	if hasCommand(tools[0], "container inspect") {
		with100 = append(with100, timed("inspect (100 containers)", "container", "inspect", "c50"))
	} else {
		fmt.Fprintln(os.Stderr, "bench: pm has no `container inspect` yet: inspect skipped")
	}

	if *seedRuns > 0 {
		bare = newNSRunner(base, cred, filepath.Join(base, "img0.tar"))
	}
	if *rtOnly {
		compareRuntimes(tools, bare, img, *seedRuns)
		return
	}
	printHeader(tools)
	if *apiOnly {
		apiCases(tools, base, img)
		return
	}
	for _, c := range cases {
		runCase(c, tools)
	}
	apiCases(tools, base, img)
	for _, t := range tools {
		for i := 0; i < 100; i++ {
			t.must("create", "--network=none", "--name", fmt.Sprintf("c%d", i), img, "true")
		}
	}
	for _, c := range with100 {
		runCase(c, tools)
	}
	// The removal of the 100 is a row too: one sample each.
	runCase(benchCase{name: "rm -fa (100 created)", n: 1, sample: func(t *runner) (float64, error) {
		d, err := t.run("rm", "-af", "-t", "0")
		return msOf(d), err
	}}, tools)
	if *seedRuns > 0 {
		compareRuntimes(tools, bare, img, *seedRuns)
	}
}

// pausePIDs returns the bench user's pause processes whose pid files are
// under base.
func pausePIDs(base string, uid int) []int {
	var pids []int
	filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Name() != "pause.pid" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		var st syscall.Stat_t
		if err == nil && pid > 1 && syscall.Stat(filepath.Join("/proc", strconv.Itoa(pid)), &st) == nil && int(st.Uid) == uid {
			pids = append(pids, pid)
		}
		return nil
	})
	return pids
}

// killUnder kills what the bench started and left running: the processes
// with one of its directories (under base) in their environment.
func killUnder(base string) {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		for _, kv := range strings.Split(string(env), "\x00") {
			if strings.HasPrefix(kv, "XDG_RUNTIME_DIR="+base+"/") || strings.HasPrefix(kv, "HOME="+base+"/") {
				syscall.Kill(pid, syscall.SIGKILL)
				break
			}
		}
	}
}

// hasCommand reports whether the tool has the (sub)command: an unknown one
// with --help prints its parent's usage instead.
func hasCommand(t *runner, path string) bool {
	out, err := t.cmd(append(strings.Fields(path), "--help")...).Output()
	return err == nil && strings.Contains(string(out), "Usage:\n  "+t.name+" "+path+" ")
}

func printHeader(tools []*runner) {
	fmt.Printf("%-30s", "case (median of "+strconv.Itoa(*runs)+")")
	for _, t := range tools {
		fmt.Printf("%13s", t.name)
	}
	fmt.Printf("%13s", "runc floor")
	if len(tools) > 1 {
		fmt.Printf("%11s", "pm/podman")
	}
	fmt.Printf("%10s\n", "pm/floor")
}

// runCase takes the samples of c, interleaved across the tools and the
// floor, and prints its row.
func runCase(c benchCase, tools []*runner) {
	n := c.n
	if n == 0 {
		n = *runs
	}
	samples := map[string][]float64{}
	for i := 0; i < n; i++ {
		for _, t := range tools {
			v, err := c.sample(t)
			check(err)
			samples[t.name] = append(samples[t.name], v)
		}
		if c.floor != nil {
			v, err := c.floor()
			check(err)
			samples["floor"] = append(samples["floor"], v)
		}
	}
	unit := c.unit
	if unit == "" {
		unit = "ms"
	}
	val := func(k string) string {
		if len(samples[k]) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f %s", medianF(samples[k]), unit)
	}
	fmt.Printf("%-30s", c.name)
	for _, t := range tools {
		fmt.Printf("%13s", val(t.name))
	}
	fmt.Printf("%13s", val("floor"))
	pmv := medianF(samples["pm"])
	if len(tools) > 1 {
		fmt.Printf("%10.2fx", pmv/medianF(samples["podman"]))
	}
	if len(samples["floor"]) > 0 {
		fmt.Printf("%9.1fx", pmv/medianF(samples["floor"]))
	} else {
		fmt.Printf("%10s", "-")
	}
	if c.errs != nil {
		var parts []string
		for _, t := range tools {
			parts = append(parts, fmt.Sprintf("%s %d", t.name, c.errs[t.name]))
		}
		fmt.Printf("   errors: %s", strings.Join(parts, ", "))
	}
	fmt.Println()
}

// concurrentRuns starts n `run -d` at once and returns the wall time of
// all of them and how many failed.
func concurrentRuns(t *runner, n int, img string) (time.Duration, int) {
	var wg sync.WaitGroup
	var failed atomic.Int64
	startGate := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGate
			if _, err := t.run("run", "-d", "--network=none", img, "sleep", "1000"); err != nil {
				fmt.Fprintln(os.Stderr, "bench:", err)
				failed.Add(1)
			}
		}()
	}
	start := time.Now()
	close(startGate)
	wg.Wait()
	return time.Since(start), int(failed.Load())
}

// concurrentRms starts n containers, then times n `rm -f` of them at
// once; it returns how many failed too.
func concurrentRms(t *runner, n int, img string) (float64, int, error) {
	var ids []string
	for i := 0; i < n; i++ {
		out, err := t.cmd("run", "-d", "--network=none", img, "sleep", "1000").Output()
		if err != nil {
			return 0, 0, fmt.Errorf("%s run -d: %v", t.name, err)
		}
		ids = append(ids, strings.TrimSpace(string(out)))
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := t.run("rm", "-f", "-t", "0", id); err != nil {
				fmt.Fprintln(os.Stderr, "bench:", err)
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	d := time.Since(start)
	_, err := t.run("rm", "-af", "-t", "0")
	return msOf(d), int(failed.Load()), err
}

// helperRSS starts n idle containers (with network, or the default one
// when it is "") and returns the RSS (MB) of the helper processes named
// comms that the tool left running, per container. A helper shared by
// several containers counts once, as it should.
func helperRSS(t *runner, n int, img, network string, comms ...string) (float64, error) {
	for i := 0; i < n; i++ {
		args := []string{"run", "-d"}
		if network != "" {
			args = append(args, network)
		}
		if _, err := t.run(append(args, img, "sleep", "1000")...); err != nil {
			return 0, err
		}
	}
	time.Sleep(500 * time.Millisecond)
	var kb, conmons int
	for _, p := range procsOf(t, comms...) {
		kb += vmRSS(p.pid)
		if p.comm == "conmon" {
			conmons++
		}
	}
	if _, err := t.run("rm", "-af", "-t", "0"); err != nil {
		return 0, err
	}
	if conmons != n {
		return 0, fmt.Errorf("%s: %d conmon processes for %d containers", t.name, conmons, n)
	}
	return float64(kb) / 1024 / float64(n), nil
}

type proc struct {
	pid  int
	comm string
}

// procsOf lists the processes of one tool named one of comms: its
// XDG_RUNTIME_DIR in their environment.
func procsOf(t *runner, comms ...string) []proc {
	var marker string
	for _, e := range t.env {
		if strings.HasPrefix(e, "XDG_RUNTIME_DIR=") {
			marker = e
		}
	}
	ents, _ := os.ReadDir("/proc")
	var out []proc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		comm := strings.TrimSpace(string(b))
		wanted := false
		for _, c := range comms {
			wanted = wanted || c == comm
		}
		if !wanted {
			continue
		}
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		for _, kv := range strings.Split(string(env), "\x00") {
			if kv == marker {
				out = append(out, proc{pid, comm})
				break
			}
		}
	}
	return out
}

func vmRSS(pid int) int {
	b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				n, _ := strconv.Atoi(f[1])
				return n
			}
		}
	}
	return 0
}

func newRunner(name, bin, base string, cred *syscall.Credential, uid int) *runner {
	home := filepath.Join(base, name+"-home")
	run := filepath.Join(base, name+"-run")
	for _, d := range []string{home, run} {
		check(os.MkdirAll(d, 0o700))
		if cred != nil {
			check(os.Chown(d, int(cred.Uid), int(cred.Gid)))
		}
	}
	if name == "podman" {
		conf := filepath.Join(home, ".config", "containers")
		check(os.MkdirAll(conf, 0o755))
		check(os.WriteFile(filepath.Join(conf, "containers.conf"), []byte("[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n"), 0o644))
		if cred != nil {
			exec.Command("chown", "-R", fmt.Sprintf("%d:%d", cred.Uid, cred.Gid), home).Run()
		}
	}
	env := []string{
		"HOME=" + home,
		"XDG_RUNTIME_DIR=" + run,
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"USER=" + benchUser,
	}
	return &runner{name: name, bin: bin, env: env, cred: cred, dir: base}
}

// benchCredential returns the bench user's credential when running as root
// (creating the user if needed), nil otherwise.
func benchCredential() (*syscall.Credential, int) {
	if os.Geteuid() != 0 {
		return nil, os.Geteuid()
	}
	u, err := user.Lookup(benchUser)
	if err != nil {
		out, err := exec.Command("useradd", "-m", "-s", "/bin/sh", benchUser).CombinedOutput()
		if err != nil {
			check(fmt.Errorf("useradd: %v: %s", err, out))
		}
		u, err = user.Lookup(benchUser)
		check(err)
	}
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		b, _ := os.ReadFile(f)
		if !strings.Contains(string(b), benchUser+":") {
			fh, err := os.OpenFile(f, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
			check(err)
			fmt.Fprintf(fh, "%s:500000:65536\n", benchUser)
			fh.Close()
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid
}

// writeRootfs writes a small image tarball: busybox and a file unique to i.
func writeRootfs(path string, i int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		return err
	}
	mt := time.Unix(1700000000, 0)
	files := []struct {
		name string
		mode int64
		data []byte
		link string
	}{
		{"bin/", 0o755, nil, ""},
		{"bin/busybox", 0o755, bb, ""},
		{"bin/sh", 0o777, nil, "busybox"},
		{"bin/true", 0o777, nil, "busybox"},
		{"bin/httpd", 0o777, nil, "busybox"},
		{"bin/sleep", 0o777, nil, "busybox"},
		{"etc/", 0o755, nil, ""},
		{"etc/bench", 0o644, []byte(strconv.Itoa(i)), ""},
	}
	for _, e := range files {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: mt, Size: int64(len(e.data))}
		switch {
		case strings.HasSuffix(e.name, "/"):
			h.Typeflag = tar.TypeDir
		case e.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
		default:
			h.Typeflag = tar.TypeReg
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o644)
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}

func medianF(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// atExit runs before check exits the program.
var atExit = func() {}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		atExit()
		os.Exit(1)
	}
}

// firstByte times `run -d -p` of an httpd until the published port answers
// an HTTP request from the host, then removes the container.
func firstByte(t *runner, img, name string) (float64, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	start := time.Now()
	if _, err := t.run("run", "-d", "--name", name, "-p", fmt.Sprintf("127.0.0.1:%d:8080", port), img, "httpd", "-f", "-p", "8080", "-h", "/"); err != nil {
		return 0, err
	}
	defer t.run("rm", "-f", "-t", "0", name)
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 30*time.Second {
		resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err == nil {
			resp.Body.Close()
			return msOf(time.Since(start)), nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s: port %d did not answer in 30 s", t.name, port)
}
