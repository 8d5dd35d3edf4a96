package libpod

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/config"
)

func TestVolumeNames(t *testing.T) {
	for _, n := range []string{"", ".", "..", "../x", "/x", "a/b", "a\x00b", "_x", "-x", "x y", "a/../b"} {
		if err := define.ValidateVolumeName(n); err == nil {
			t.Errorf("name %q accepted", n)
		}
	}
	for _, n := range []string{"a", "data-1", "x.y_z", "0abc"} {
		if err := define.ValidateVolumeName(n); err != nil {
			t.Errorf("name %q refused: %v", n, err)
		}
	}
}

func TestVolumeDirStaysInside(t *testing.T) {
	base := t.TempDir()
	r := &Runtime{cfg: &config.Config{VolumePath: base}}
	d, err := r.volumeDir("v1")
	if err != nil || d != filepath.Join(base, "v1") {
		t.Errorf("volumeDir(v1) = %q, %v", d, err)
	}
	if _, err := r.volumeDir("../x"); err == nil {
		t.Error("volumeDir(../x) accepted")
	}
	// A _data that is a symlink out of the volume directory is refused.
	out := t.TempDir()
	os.Mkdir(filepath.Join(base, "evil"), 0o755)
	os.Symlink(out, filepath.Join(base, "evil", "_data"))
	v := &Volume{Config: define.VolumeConfig{Name: "evil"}}
	if err := r.makeVolumeDir(v); err == nil {
		t.Error("a symlinked _data was accepted")
	}
	if err := r.resolveVolume(v); err == nil {
		t.Error("resolveVolume accepted a _data outside the volume directory")
	}
}

func TestVolumeOptions(t *testing.T) {
	good := []map[string]string{nil, {"type": "tmpfs", "o": "size=1m"}, {"type": "none", "o": "bind", "device": t.TempDir()}}
	for _, o := range good {
		if err := validateVolumeOptions(o); err != nil {
			t.Errorf("%v refused: %v", o, err)
		}
	}
	bad := []map[string]string{{"bogus": "1"}, {"type": "ext4"}, {"type": "none", "o": "bind"}, {"o": "bind", "device": "rel"}, {"device": "/tmp"}}
	for _, o := range bad {
		if err := validateVolumeOptions(o); err == nil {
			t.Errorf("%v accepted", o)
		}
	}
}
