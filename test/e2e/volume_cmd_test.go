package e2e

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// volInspect is the part of pm volume inspect's JSON the tests read.
type volInspect struct {
	Name        string
	Driver      string
	Mountpoint  string
	Labels      map[string]string
	Scope       string
	Options     map[string]string
	MountCount  int
	NeedsCopyUp bool
	Anonymous   bool
}

func (e *Env) inspectVolume(name string) volInspect {
	e.t.Helper()
	var out []volInspect
	decodeJSON(e.t, e.PMOK("volume", "inspect", name).Stdout, &out)
	if len(out) != 1 {
		e.t.Fatalf("volume inspect %s: %d entries", name, len(out))
	}
	return out[0]
}

// volumeNames returns pm volume ls -q.
func (e *Env) volumeNames(args ...string) []string {
	e.t.Helper()
	return e.PMOK(append([]string{"volume", "ls", "-q"}, args...)...).Lines()
}

func TestVolumeCreateInspectLsRm(t *testing.T) {
	env := newEnv(t)
	if got := strings.TrimSpace(env.PMOK("volume", "create", "--label", "app=web", "--driver", "local", "data1").Stdout); got != "data1" {
		t.Fatalf("create printed %q", got)
	}
	anon := strings.TrimSpace(env.PMOK("volume", "create").Stdout)
	if !ctrIDRe.MatchString(anon) {
		t.Errorf("volume create without a name printed %q", anon)
	}
	v := env.inspectVolume("data1")
	if v.Name != "data1" || v.Driver != "local" || v.Scope != "local" || v.Labels["app"] != "web" || !v.NeedsCopyUp {
		t.Errorf("inspect: %+v", v)
	}
	if !strings.HasSuffix(v.Mountpoint, "/volumes/data1/_data") {
		t.Errorf("mountpoint %q", v.Mountpoint)
	}
	for _, key := range []string{`"CreatedAt"`, `"Options"`, `"MountCount"`} {
		if !strings.Contains(env.PMOK("volume", "inspect", "data1").Stdout, key) {
			t.Errorf("inspect lacks %s", key)
		}
	}
	// Taken name, --ignore.
	env.PM("volume", "create", "data1").ExpectError(t, 125, "already exists")
	env.PMOK("volume", "create", "--ignore", "data1")

	ls := env.PMOK("volume", "ls").Stdout
	if !strings.HasPrefix(ls, "DRIVER") || !strings.Contains(ls, "VOLUME NAME") || !strings.Contains(ls, "local") {
		t.Errorf("volume ls:\n%s", ls)
	}
	if got := env.volumeNames("--filter", "label=app=web"); !equal(got, []string{"data1"}) {
		t.Errorf("filter label: %q", got)
	}
	if got := env.volumeNames("--filter", "name=data"); !equal(got, []string{"data1"}) {
		t.Errorf("filter name: %q", got)
	}
	if got := env.volumeNames("--filter", "dangling=true"); len(got) != 2 {
		t.Errorf("filter dangling: %q", got)
	}
	env.PM("volume", "ls", "--filter", "bogus=1").ExpectError(t, 125, "unknown key")
	var js []volInspect
	decodeJSON(t, env.PMOK("volume", "ls", "--format", "json").Stdout, &js)
	if len(js) != 2 {
		t.Errorf("ls json: %+v", js)
	}
	if got := env.PMOK("volume", "ls", "--format", "{{.Name}}:{{.Driver}}", "--filter", "name=data1").Stdout; got != "data1:local\n" {
		t.Errorf("ls template: %q", got)
	}
	env.PMOK("volume", "exists", "data1")
	if r := env.PM("volume", "exists", "nope"); r.Code != 1 {
		t.Errorf("exists nope: exit %d", r.Code)
	}
	env.PM("volume", "inspect", "nope").ExpectError(t, 125, "no volume with name")
	if r := env.PM("volume", "rm", "nope"); r.Code != 1 || !strings.Contains(r.Stderr, "no volume") {
		t.Errorf("rm nope: exit %d %s", r.Code, r.Stderr)
	}
	env.PMOK("volume", "rm", "data1")
	if env.PM("volume", "exists", "data1").Code != 1 {
		t.Error("data1 still exists")
	}
	if _, err := os.Stat(filepath.Dir(v.Mountpoint)); err == nil {
		t.Errorf("%s left behind", filepath.Dir(v.Mountpoint))
	}
	env.PMOK("volume", "create", "data2")
	env.PMOK("volume", "rm", "--all")
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("after rm --all: %q", got)
	}
}

func TestVolumeBadNames(t *testing.T) {
	env := newEnv(t)
	for _, n := range []string{"../x", "/x", "a/b", "..", ".", "_x", "x y", "a/../../b"} {
		env.PM("volume", "create", n).ExpectError(t, 125, "invalid volume name")
	}
	env.PM("volume", "create", "--driver", "nfs", "v").ExpectError(t, 125, "not supported")
	env.PM("volume", "create", "-o", "bogus=1", "v").ExpectError(t, 125, "invalid volume option")
	env.PM("volume", "create", "-o", "type=ext4", "v").ExpectError(t, 125, "invalid volume option")
	env.PM("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=/nonexistent-pm", "v").ExpectError(t, 125, "invalid volume option device for driver 'local': stat /nonexistent-pm: no such file or directory")
	env.PM("volume", "create", "-o", "type=none", "-o", "o=bind", "v").ExpectError(t, 125, "device=PATH")
	env.PM("volume", "create", "-o", "novalue", "v").ExpectError(t, 125, "key=value")
	env.PM("run", "--rm", "-v", "../x:/data", "busybox", "true").ExpectError(t, 125, "")
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("volumes made by bad input: %q", got)
	}
	for _, e := range []string{"volumes/x", "x"} {
		if _, err := os.Stat(filepath.Join(env.DataHome, "containers", "storage", e)); err == nil {
			t.Errorf("%s exists", e)
		}
	}
}

func TestVolumeExportImport(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("volume", "create", "src")
	env.PMOK("run", "--rm", "-v", "src:/src", "busybox", "sh", "-c", "echo hi > /src/f && mkdir /src/d && chmod 0750 /src/d && chown 1000:1000 /src/f")
	out := env.Path("src.tar")
	env.PMOK("volume", "export", "-o", out, "src")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]*tar.Header{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names[strings.TrimPrefix(strings.TrimSuffix(h.Name, "/"), "./")] = h
	}
	if h := names["f"]; h == nil || h.Uid != 1000 {
		t.Errorf("export: f %+v (entries %v)", h, names)
	}
	if h := names["d"]; h == nil || h.Mode&0o777 != 0o750 {
		t.Errorf("export: d %+v", h)
	}
	stdout := env.PMOK("volume", "export", "src").Stdout
	if len(stdout) < 512 {
		t.Errorf("export to stdout: %d bytes", len(stdout))
	}
	env.PMOK("volume", "create", "dst")
	env.PMOK("volume", "import", "dst", out)
	if got := env.PMOK("run", "--rm", "-v", "dst:/d", "busybox", "stat", "-c", "%u %a", "/d/f", "/d/d").Stdout; got != "1000 644\n0 750\n" {
		t.Errorf("after import: %q", got)
	}
	env.PMOK("volume", "create", "dst2")
	env.PMStdin(bytes.NewReader(b), "volume", "import", "dst2", "-")
	if got := env.PMOK("run", "--rm", "-v", "dst2:/d", "busybox", "cat", "/d/f").Stdout; got != "hi\n" {
		t.Errorf("import from stdin: %q", got)
	}
	env.PM("volume", "import", "nope", out).ExpectError(t, 125, "no volume")
	env.PM("volume", "export", "nope").ExpectError(t, 125, "no volume")
	// A crafted archive stays inside the volume.
	evil := craftTar(t, []tar.Header{
		{Name: "../../../escape-import", Typeflag: tar.TypeReg, Mode: 0o644, Size: 3},
		{Name: "abs", Typeflag: tar.TypeSymlink, Linkname: env.Dir},
		{Name: "abs/escape-link", Typeflag: tar.TypeReg, Mode: 0o644, Size: 3},
	})
	env.PMStdin(bytes.NewReader(evil), "volume", "import", "dst", "-")
	for _, p := range []string{filepath.Join(env.Dir, "escape-link"), filepath.Join(env.DataHome, "containers", "storage", "volumes", "escape-import")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("import escaped the volume: %s exists", p)
		}
	}
	env.PMOK("volume", "rm", "-a")
}

// craftTar builds a tar whose regular entries hold "bad".
func craftTar(t *testing.T, hdrs []tar.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hdrs {
		h := h
		if h.Typeflag == tar.TypeReg {
			h.Size = 3
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte("bad"))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
