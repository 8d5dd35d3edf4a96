package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// benchRuntimes are the OCI runtimes of the seed's comparison, bareRuntimes
// those also timed without a manager (runsc's sandbox needs more than the
// one id the bare runtimes' namespace maps).
var (
	benchRuntimes = []string{"crun", "runc", "runsc"}
	bareRuntimes  = []string{"crun", "runc"}
)

// nsRunner runs bare OCI runtimes the way pm does: as root of a user and
// mount namespace of the bench user (one id mapped), where an empty tmpfs
// hides the cgroup v1 "hybrid" host's cgroup2 mount that crun refuses. One
// bash inside the namespace runs each `RUNTIME run` it is asked for and
// answers with its duration, so only the runtime is timed.
type nsRunner struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	errLog string
	seq    int
}

// nsScript is the bash inside the namespace: it reads "RUNTIME ID" lines
// and answers "EXIT START_US END_US".
const nsScript = `set -u
if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	mount -t tmpfs -o ro,size=4k tmpfs /sys/fs/cgroup/unified || exit 1
fi
echo ready
while read -r rt id; do
	s=$EPOCHREALTIME
	"$rt" --root "$STATE/$rt" run --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>"$ERRLOG"
	rc=$?
	e=$EPOCHREALTIME
	echo "$rc ${s/./} ${e/./}"
done
`

// newNSRunner prepares a bundle of imgTar whose process is /bin/true (the
// spec of `runc spec --rootless`, without its user namespace: the runner's
// is the container's, as pm's is) and starts the runner. It returns nil
// when the host does not allow it.
func newNSRunner(base string, cred *syscall.Credential, imgTar string) *nsRunner {
	runc, err := exec.LookPath("runc")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: no runc to write the bare runtimes' spec: bare runtimes skipped")
		return nil
	}
	dir := filepath.Join(base, "bare")
	bundle, state := filepath.Join(dir, "bundle"), filepath.Join(dir, "state")
	rootfs := filepath.Join(bundle, "rootfs")
	for _, d := range []string{dir, bundle, state, rootfs} {
		check(os.MkdirAll(d, 0o700))
		if cred != nil {
			check(os.Chown(d, int(cred.Uid), int(cred.Gid)))
		}
	}
	asUser := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(name, args...)
		c.Dir = bundle
		c.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + dir}
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
		return c
	}
	check(asUser("tar", "-xf", imgTar, "-C", rootfs).Run())
	if out, err := asUser(runc, "spec", "--rootless").CombinedOutput(); err != nil {
		check(fmt.Errorf("runc spec --rootless: %v: %s", err, out))
	}
	p := filepath.Join(bundle, "config.json")
	b, err := os.ReadFile(p)
	check(err)
	var spec map[string]any
	check(json.Unmarshal(b, &spec))
	proc := spec["process"].(map[string]any)
	proc["args"], proc["terminal"] = []string{"/bin/true"}, false
	spec["root"] = map[string]any{"path": "rootfs", "readonly": true}
	linux := spec["linux"].(map[string]any)
	var ns []any
	for _, n := range linux["namespaces"].([]any) {
		if n.(map[string]any)["type"] != "user" {
			ns = append(ns, n)
		}
	}
	linux["namespaces"] = append(ns, map[string]any{"type": "network"})
	delete(linux, "uidMappings")
	delete(linux, "gidMappings")
	b, err = json.MarshalIndent(spec, "", "\t")
	check(err)
	check(os.WriteFile(p, b, 0o644))

	r := &nsRunner{errLog: filepath.Join(dir, "err.log")}
	r.cmd = asUser("unshare", "--user", "--map-root-user", "--mount", "bash", "-c", nsScript)
	r.cmd.Env = append(r.cmd.Env, "STATE="+state, "BUNDLE="+bundle, "ERRLOG="+r.errLog)
	r.cmd.Stderr = os.Stderr
	r.in, err = r.cmd.StdinPipe()
	check(err)
	stdout, err := r.cmd.StdoutPipe()
	check(err)
	r.out = bufio.NewReader(stdout)
	if err := r.cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: unshare:", err, "- bare runtimes skipped")
		return nil
	}
	if line, err := r.out.ReadString('\n'); err != nil || line != "ready\n" {
		fmt.Fprintf(os.Stderr, "bench: the bare runtimes' namespace did not start (%q, %v): skipped\n", line, err)
		r.stop()
		return nil
	}
	return r
}

// run times one `RUNTIME run` of the bundle, in ms.
func (r *nsRunner) run(rt string) (float64, error) {
	r.seq++
	if _, err := fmt.Fprintf(r.in, "%s bare%d\n", rt, r.seq); err != nil {
		return 0, err
	}
	line, err := r.out.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("bare %s: %w", rt, err)
	}
	f := strings.Fields(line)
	if len(f) != 3 {
		return 0, fmt.Errorf("bare %s: runner said %q", rt, line)
	}
	if f[0] != "0" {
		msg, _ := os.ReadFile(r.errLog)
		return 0, fmt.Errorf("bare %s run: exit %s: %s", rt, f[0], strings.TrimSpace(string(msg)))
	}
	s, _ := strconv.ParseInt(f[1], 10, 64)
	e, _ := strconv.ParseInt(f[2], 10, 64)
	return float64(e-s) / 1000, nil
}

func (r *nsRunner) stop() {
	r.in.Close()
	done := make(chan struct{})
	go func() { r.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		r.cmd.Process.Kill()
		<-done
	}
}

// runtimeColumn is one line of the seed's comparison.
type runtimeColumn struct {
	name   string
	sample func() (float64, error)
	vals   []float64
	err    error // why it was dropped, if it was
}

// compareRuntimes runs the seed's comparison: n times /bin/true in a new
// container, through pm and podman with each runtime (`run --rm`, the
// default network) and with each bare runtime, interleaved so that machine
// noise hits all alike. A column whose first run fails is reported as
// failing and dropped.
func compareRuntimes(tools []*runner, bare *nsRunner, img string, n int) {
	var cols []*runtimeColumn
	for _, t := range tools {
		for _, rt := range benchRuntimes {
			if _, err := exec.LookPath(rt); err != nil {
				continue
			}
			t, rt := t, rt
			cols = append(cols, &runtimeColumn{name: fmt.Sprintf("%s run --rm (%s)", t.name, rt), sample: func() (float64, error) {
				d, err := t.run("--runtime", rt, "run", "--rm", img, "/bin/true")
				return msOf(d), err
			}})
		}
	}
	if bare != nil {
		for _, rt := range bareRuntimes {
			if _, err := exec.LookPath(rt); err != nil {
				continue
			}
			rt := rt
			cols = append(cols, &runtimeColumn{name: fmt.Sprintf("bare %s run", rt), sample: func() (float64, error) { return bare.run(rt) }})
		}
	}
	for i := 0; i < n; i++ {
		for _, c := range cols {
			if c.err != nil {
				continue
			}
			v, err := c.sample()
			if err != nil {
				if i == 0 {
					c.err = err
					continue
				}
				check(err)
			}
			c.vals = append(c.vals, v)
		}
	}
	fmt.Printf("\n%d x /bin/true in a new container (interleaved)\n", n)
	fmt.Printf("%-28s%12s%14s\n", "", "median", "total")
	for _, c := range cols {
		if c.err != nil {
			fmt.Printf("%-28s  fails here: %s\n", c.name, firstLine(c.err.Error()))
			continue
		}
		var sum float64
		for _, v := range c.vals {
			sum += v
		}
		fmt.Printf("%-28s%9.1f ms%12.2f s\n", c.name, medianF(c.vals), sum/1000)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	if len(l) > 160 {
		l = l[:160] + "..."
	}
	return l
}
