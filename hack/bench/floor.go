package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// floor runs bare runc on prepared rootless bundles, as the bench user:
// what a container costs with no manager at all.
type floor struct {
	runc  string
	root  string // runc --root
	env   []string
	cred  *syscall.Credential
	short string // bundle whose process is `true`
	long  string // bundle whose process is `sleep 1000`
	seq   int
}

// newFloor extracts the image tarball into a rootfs and writes two bundles
// from `runc spec --rootless`, with a network namespace (--network=none).
// It returns nil when runc is missing.
func newFloor(base string, cred *syscall.Credential, imgTar string) *floor {
	runc, err := exec.LookPath("runc")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: no runc: floor skipped")
		return nil
	}
	dir := filepath.Join(base, "runc")
	f := &floor{runc: runc, root: filepath.Join(dir, "state"), cred: cred,
		short: filepath.Join(dir, "true"), long: filepath.Join(dir, "sleep")}
	run := filepath.Join(dir, "xdg")
	f.env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "XDG_RUNTIME_DIR=" + run, "HOME=" + dir}
	rootfs := filepath.Join(dir, "rootfs")
	for _, d := range []string{dir, f.root, run, rootfs, f.short, f.long} {
		check(os.MkdirAll(d, 0o700))
		if cred != nil {
			check(os.Chown(d, int(cred.Uid), int(cred.Gid)))
		}
	}
	check(f.cmd(dir, "tar", "-xf", imgTar, "-C", rootfs).Run())
	out, err := f.cmd(f.short, runc, "spec", "--rootless").CombinedOutput()
	if err != nil {
		check(fmt.Errorf("runc spec --rootless: %v: %s", err, out))
	}
	tmpl, err := os.ReadFile(filepath.Join(f.short, "config.json"))
	check(err)
	for b, args := range map[string][]string{f.short: {"true"}, f.long: {"sleep", "1000"}} {
		var spec map[string]any
		check(json.Unmarshal(tmpl, &spec))
		proc := spec["process"].(map[string]any)
		proc["args"] = args
		proc["terminal"] = false
		spec["root"] = map[string]any{"path": rootfs, "readonly": true}
		linux := spec["linux"].(map[string]any)
		ns := linux["namespaces"].([]any)
		linux["namespaces"] = append(ns, map[string]any{"type": "network"})
		data, err := json.MarshalIndent(spec, "", "\t")
		check(err)
		check(os.WriteFile(filepath.Join(b, "config.json"), data, 0o644))
	}
	// One run to check that the floor works here at all.
	if _, err := f.run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: runc floor does not work here, skipped:", err)
		return nil
	}
	return f
}

func (f *floor) cmd(dir, name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Env = f.env
	c.Dir = dir
	c.SysProcAttr = &syscall.SysProcAttr{Credential: f.cred, Setpgid: true}
	return c
}

func (f *floor) runc1(args ...string) (time.Duration, error) {
	c := f.cmd(f.root, f.runc, append([]string{"--root", f.root}, args...)...)
	// A file, not a pipe: `runc create` hands its stdio to the container,
	// which would hold a pipe open until it exits.
	out, err := os.CreateTemp("", "pm-bench-runc-")
	if err != nil {
		return 0, err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	c.Stdout, c.Stderr = out, out
	start := time.Now()
	err = c.Run()
	d := time.Since(start)
	if err != nil {
		msg, _ := os.ReadFile(out.Name())
		return d, fmt.Errorf("runc %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(msg)))
	}
	return d, nil
}

func (f *floor) id() string { f.seq++; return fmt.Sprintf("floor%d", f.seq) }

// run is `runc run` of the `true` bundle (create, start, wait, delete).
func (f *floor) run() (float64, error) {
	d, err := f.runc1("run", "--bundle", f.short, f.id())
	return msOf(d), err
}

// lifecycle is create, start, kill, delete of the sleep bundle.
func (f *floor) lifecycle() (float64, error) {
	id := f.id()
	var total time.Duration
	for _, args := range [][]string{
		{"create", "--bundle", f.long, id},
		{"start", id},
		{"kill", id, "KILL"},
		{"delete", "--force", id},
	} {
		d, err := f.runc1(args...)
		if err != nil {
			f.runc1("delete", "--force", id)
			return 0, err
		}
		total += d
	}
	return msOf(total), nil
}
