// Command bench times pm side by side with podman (when installed) and, for
// container runs, bare runc (the floor). Runs are interleaved, so machine
// noise hits every tool alike; it prints medians and ratios.
//
// As root it runs everything as the unprivileged user "pmbench" (created
// with a subordinate id range when missing), since rootless is pm's case.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	pmBin   = flag.String("pm", "bin/pm", "pm binary")
	runs    = flag.Int("n", 15, "runs per case and tool")
	noPodman = flag.Bool("no-podman", false, "skip podman even when installed")
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
	if _, err := r.run(args...); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// benchCase is one measurement: args per tool name.
type benchCase struct {
	name string
	args map[string][]string
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

	tools := []*runner{newRunner("pm", bin, base, cred, uid)}
	if p, err := exec.LookPath("podman"); err == nil && !*noPodman {
		tools = append(tools, newRunner("podman", p, base, cred, uid))
	}
	defer func() {
		for _, t := range tools {
			t.run("system", "reset", "-f")
		}
		if cred != nil {
			exec.Command("pkill", "-KILL", "-u", benchUser).Run()
		}
	}()

	// 20 distinct images, imported from small tarballs.
	for i := 0; i < 20; i++ {
		tarPath := filepath.Join(base, fmt.Sprintf("img%d.tar", i))
		check(writeRootfs(tarPath, i))
		for _, t := range tools {
			t.must("import", "-q", tarPath, fmt.Sprintf("localhost/bench%d:latest", i))
		}
	}

	cases := []benchCase{
		{"version", map[string][]string{"pm": {"version"}, "podman": {"version"}}},
		{"images (20 images)", map[string][]string{"pm": {"images"}, "podman": {"images"}}},
		{"info", map[string][]string{"pm": {"info"}, "podman": {"info"}}},
	}

	fmt.Printf("%-28s", "case (median of "+strconv.Itoa(*runs)+")")
	for _, t := range tools {
		fmt.Printf("%14s", t.name)
	}
	if len(tools) > 1 {
		fmt.Printf("%16s", "pm/podman")
	}
	fmt.Println()
	for _, c := range cases {
		samples := map[string][]time.Duration{}
		for i := 0; i < *runs; i++ {
			for _, t := range tools {
				d, err := t.run(c.args[t.name]...)
				check(err)
				samples[t.name] = append(samples[t.name], d)
			}
		}
		fmt.Printf("%-28s", c.name)
		for _, t := range tools {
			fmt.Printf("%14s", ms(median(samples[t.name])))
		}
		if len(tools) > 1 {
			fmt.Printf("%15.2fx", float64(median(samples["pm"]))/float64(median(samples["podman"])))
		}
		fmt.Println()
	}
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

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
