package e2e

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataCpVolumesAndBinds copies in and out of a container's volume and
// bind mount, running and stopped: the data is where the container sees it.
func TestDataCpVolumesAndBinds(t *testing.T) {
	env := ctrEnv(t)
	bind := env.Path("bind")
	os.Mkdir(bind, 0o755)
	if isRoot {
		os.Chown(bind, env.User.UID, env.User.GID)
	}
	host := env.Path("in.txt")
	os.WriteFile(host, []byte("from host\n"), 0o644)
	id := env.runID("--name", "c", "-v", "cpvol:/vol", "-v", bind+":/b", "busybox", "sleep", "300")
	env.PMOK("cp", host, "c:/vol/in.txt")
	env.PMOK("cp", host, "c:/b/")
	if got := env.PMOK("exec", "c", "cat", "/vol/in.txt", "/b/in.txt").Stdout; got != "from host\nfrom host\n" {
		t.Errorf("cp into volume and bind, seen inside: %q", got)
	}
	if b, err := os.ReadFile(filepath.Join(bind, "in.txt")); err != nil || string(b) != "from host\n" {
		t.Errorf("cp into bind mount, on the host: %q %v", b, err)
	}
	env.PMOK("exec", "c", "sh", "-c", "echo from ctr > /vol/out.txt && ln -s /etc/passwd /vol/pw")
	out := env.Path("out")
	os.Mkdir(out, 0o755)
	if isRoot {
		os.Chown(out, env.User.UID, env.User.GID)
	}
	env.PMOK("cp", "c:/vol/out.txt", out+"/")
	if b, _ := os.ReadFile(filepath.Join(out, "out.txt")); string(b) != "from ctr\n" {
		t.Errorf("cp out of a volume: %q", b)
	}
	// Archive to stdout from inside the volume.
	tr := tar.NewReader(strings.NewReader(env.PMOK("cp", "c:/vol/out.txt", "-").Stdout))
	if h, err := tr.Next(); err != nil || h.Name != "out.txt" {
		t.Errorf("cp to stdout: %v %v", h, err)
	} else if b, _ := io.ReadAll(tr); string(b) != "from ctr\n" {
		t.Errorf("cp to stdout content: %q", b)
	}
	// A symlink in the volume to /etc/passwd never yields the host's file.
	res := env.PM("cp", "c:/vol/pw", out+"/pw")
	if b, err := os.ReadFile(filepath.Join(out, "pw")); err == nil && res.Code == 0 {
		hostPw, _ := os.ReadFile("/etc/passwd")
		if bytes.Equal(b, hostPw) {
			t.Error("cp out of a volume symlink gave the host's /etc/passwd")
		}
	}
	env.PMOK("stop", "-t", "0", id)
	// Stopped: still the volume.
	os.WriteFile(host, []byte("again\n"), 0o644)
	env.PMOK("cp", host, "c:/vol/in.txt")
	if got := env.PMOK("run", "--rm", "-v", "cpvol:/v", "busybox", "cat", "/v/in.txt").Stdout; got != "again\n" {
		t.Errorf("cp into a stopped container's volume: %q", got)
	}
	env.PMOK("rm", "c")
	env.PMOK("volume", "rm", "cpvol")
}

// TestDataCpEscapes checks that cp stays inside the container's root and
// volumes whatever symlinks and ../ say.
func TestDataCpEscapes(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "c", "-v", "esc:/vol", "busybox", "sleep", "300")
	env.PMOK("exec", "c", "ln", "-s", "/etc/passwd", "/tmp/pw")
	out := env.Path("out")
	os.Mkdir(out, 0o755)
	if isRoot {
		os.Chown(out, env.User.UID, env.User.GID)
	}
	env.PMOK("cp", "c:/tmp/pw", out+"/pw")
	got, _ := os.ReadFile(filepath.Join(out, "pw"))
	ctrPw := env.PMOK("exec", "c", "cat", "/etc/passwd").Stdout
	if string(got) != ctrPw || !strings.Contains(ctrPw, "tuser") {
		t.Errorf("cp of a symlink to /etc/passwd: got %q, the container's is %q", got, ctrPw)
	}
	// ../../x lands inside the container.
	src := env.Path("x")
	os.WriteFile(src, []byte("x\n"), 0o644)
	env.PMOK("cp", src, "c:../../x")
	if got := env.PMOK("exec", "c", "cat", "/x").Stdout; got != "x\n" {
		t.Errorf("cp to ../../x: /x holds %q", got)
	}
	env.PMOK("cp", src, "c:/vol/../../../y")
	if got := env.PMOK("exec", "c", "cat", "/y").Stdout; got != "x\n" {
		t.Errorf("cp to /vol/../../../y: /y holds %q", got)
	}
	// A tar stream with ../ and absolute symlinks stays inside the volume.
	evil := craftTar(t, []tar.Header{
		{Name: "../../../../escape-cp", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "link", Typeflag: tar.TypeSymlink, Linkname: env.Dir},
		{Name: "link/escape-cp-link", Typeflag: tar.TypeReg, Mode: 0o644},
	})
	env.PMStdin(bytes.NewReader(evil), "cp", "-", "c:/vol")
	for _, p := range []string{filepath.Join(env.Dir, "escape-cp-link"), filepath.Join(env.Dir, "escape-cp"),
		filepath.Join(env.DataHome, "containers", "storage", "volumes", "escape-cp"), "/escape-cp"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("cp - escaped: %s exists", p)
		}
	}
	env.PMOK("rm", "-f", "-t", "0", "c")
	env.PMOK("volume", "rm", "esc")
}

// TestDataExportImportCommitOwnership checks that export, import and
// commit keep owners and modes as seen inside the container.
func TestDataExportImportCommitOwnership(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "--name", "own", "busybox", "sh", "-c",
		"mkdir -p /o/d && echo s > /o/f && chown 1000:1000 /o/f && chmod 0640 /o/f && chown 1000:1000 /o/d && chmod 0710 /o/d")
	want := "1000:1000 640\n1000:1000 710\n"
	tarPath := env.Path("own.tar")
	env.PMOK("export", "-o", tarPath, "own")
	b, err := os.ReadFile(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	hdrs := map[string]*tar.Header{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		hdrs[strings.TrimSuffix(strings.TrimPrefix(h.Name, "./"), "/")] = h
	}
	if h := hdrs["o/f"]; h == nil || h.Uid != 1000 || h.Gid != 1000 || h.Mode&0o7777 != 0o640 {
		t.Errorf("export o/f: %+v", h)
	}
	if h := hdrs["o/d"]; h == nil || h.Uid != 1000 || h.Mode&0o7777 != 0o710 {
		t.Errorf("export o/d: %+v", h)
	}
	env.PMOK("import", tarPath, "owned:imported")
	if got := env.PMOK("run", "--rm", "owned:imported", "stat", "-c", "%u:%g %a", "/o/f", "/o/d").Stdout; got != want {
		t.Errorf("import: %q, want %q", got, want)
	}
	// The archive is one tar(1) can edit in place: GNU tar's --delete
	// drops the entries after the deleted one from an archive that does
	// not end on a whole 10 KiB record.
	if len(b)%10240 != 0 {
		t.Errorf("export is %d bytes, not whole tar records", len(b))
	}
	if res := env.Exec("tar", "--delete", "-f", tarPath, "o/f"); res.Code != 0 {
		t.Fatalf("tar --delete: %s", res)
	}
	if err := os.WriteFile(env.Path("added"), []byte("appended\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := env.Exec("tar", "-C", env.Dir, "-rf", tarPath, "added"); res.Code != 0 {
		t.Fatalf("tar -r: %s", res)
	}
	env.PMOK("import", tarPath, "owned:edited")
	if got := env.PMOK("run", "--rm", "owned:edited", "sh", "-c", "cat /added; stat -c %a /o/d; test -e /o/f || echo f-gone").Stdout; got != "appended\n710\nf-gone\n" {
		t.Errorf("import of the export edited by tar: %q", got)
	}
	env.PMOK("rmi", "owned:edited")
	env.PMOK("commit", "own", "owned:committed")
	if got := env.PMOK("run", "--rm", "owned:committed", "stat", "-c", "%u:%g %a", "/o/f", "/o/d").Stdout; got != want {
		t.Errorf("commit: %q, want %q", got, want)
	}
	env.PMOK("rm", "own")
	env.PMOK("rmi", "owned:imported", "owned:committed")
}
