package e2e

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// evilLayer is a layer whose entries try to leave the root: ../ names, an
// absolute name, and entries through absolute and relative symlinks to a
// directory outside; every target is under dir.
func evilLayer(t *testing.T, dir string) []byte {
	up := strings.Repeat("../", 20)
	return craftTar(t, []tar.Header{
		{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: up + strings.TrimPrefix(filepath.Join(dir, "escape-dotdot"), "/"), Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: filepath.Join(dir, "escape-abs"), Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "abslink", Typeflag: tar.TypeSymlink, Linkname: dir},
		{Name: "abslink/escape-abslink", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "rellink", Typeflag: tar.TypeSymlink, Linkname: strings.TrimSuffix(up, "/") + dir},
		{Name: "rellink/escape-rellink", Typeflag: tar.TypeReg, Mode: 0o644},
	})
}

func expectNoEscape(t *testing.T, dir, what string) {
	t.Helper()
	for _, n := range []string{"escape-dotdot", "escape-abs", "escape-abslink", "escape-rellink"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			t.Errorf("%s: %s was written outside storage", what, filepath.Join(dir, n))
		}
	}
}

// dockerArchive wraps layers into a docker-archive holding ref.
func dockerArchive(t *testing.T, ref string, layers ...[]byte) []byte {
	t.Helper()
	var diffIDs, names []string
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	add := func(name string, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	for i, l := range layers {
		sum := sha256.Sum256(l)
		diffIDs = append(diffIDs, "sha256:"+hex.EncodeToString(sum[:]))
		name := "layer" + itoa(i) + ".tar"
		names = append(names, name)
		add(name, l)
	}
	cfg, _ := json.Marshal(map[string]any{
		"architecture": runtime.GOARCH, "os": "linux",
		"config": map[string]any{"Cmd": []string{"sh"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	})
	add("config.json", cfg)
	man, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{ref}, "Layers": names}})
	add("manifest.json", man)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDataCraftedLayers loads and imports layers built to escape: nothing
// lands outside storage, whatever pm says about them.
func TestDataCraftedLayers(t *testing.T) {
	env := ctrEnv(t)
	canary := env.Path("canary")
	if err := os.Mkdir(canary, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(canary, 0o777)
	base, err := os.ReadFile(Fixture("rootfs.tar"))
	if err != nil {
		t.Fatal(err)
	}
	arch := env.Path("evil.docker.tar")
	os.WriteFile(arch, dockerArchive(t, "localhost/evil:latest", base, evilLayer(t, canary)), 0o644)
	res := env.PM("load", "-i", arch)
	expectNoEscape(t, canary, "pm load")
	if res.Code == 0 {
		// Whatever was stored (the entries land inside the image's own
		// root), a container of it does not see the host's directory.
		os.WriteFile(filepath.Join(canary, "host-marker"), nil, 0o644)
		r := env.PM("run", "--rm", "localhost/evil:latest", "sh", "-c", "ls /abslink/ /rellink/ 2>&1; true")
		expectNoEscape(t, canary, "pm run of the loaded image")
		if strings.Contains(r.Stdout, "host-marker") {
			t.Errorf("the container sees files of the host directory: %q", r.Stdout)
		}
	} else if res.Code != 125 {
		t.Errorf("pm load of a crafted archive: exit %d", res.Code)
	}
	imp := env.Path("evil.tar")
	os.WriteFile(imp, evilLayer(t, canary), 0o644)
	res = env.PM("import", imp, "localhost/evil:imported")
	expectNoEscape(t, canary, "pm import")
	if res.Code != 0 && res.Code != 125 {
		t.Errorf("pm import of a crafted tarball: exit %d", res.Code)
	}
	env.PM("rmi", "-f", "localhost/evil:latest", "localhost/evil:imported")
}
