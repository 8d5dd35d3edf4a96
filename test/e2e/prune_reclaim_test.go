package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// treeBytes is the apparent size of the regular files under dir, each
// hard link once, not crossing into mounts, but pm's state database.
func treeBytes(dir string) int64 {
	var n int64
	seen := map[uint64]bool{}
	var dev uint64
	if fi, err := os.Lstat(dir); err == nil {
		dev = fi.Sys().(*syscall.Stat_t).Dev
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		st := fi.Sys().(*syscall.Stat_t)
		if d.IsDir() {
			if st.Dev != dev {
				return filepath.SkipDir
			}
			return nil
		}
		if !fi.Mode().IsRegular() || seen[st.Ino] || strings.HasPrefix(d.Name(), "state.db") {
			return nil
		}
		seen[st.Ino] = true
		n += fi.Size()
		return nil
	})
	return n
}

var reclaimedRe = regexp.MustCompile(`Total reclaimed space: ([0-9.]+)(B|kB|MB|GB)\n`)

// TestSystemPruneReclaimedIsOnDisk: the space system prune reports is
// what the disk holds less afterwards (a layer an image shares with one
// in use is not reclaimed), and it leaves no layer it could remove.
func TestSystemPruneReclaimedIsOnDisk(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "--name", "big", "busybox", "sh", "-c", "head -c 4000000 /dev/urandom > /big")
	// An image of busybox plus 4 MB, unused: only its own layer goes,
	// busybox's stay for the running container.
	env.PMOK("commit", "big", "bigimg")
	env.PMOK("run", "-d", "--name", "keep", "busybox", "sleep", "300")
	layersBefore := env.layerDirs()
	before := treeBytes(env.graphRoot())
	res := env.PMOK("system", "prune", "-af")
	after := treeBytes(env.graphRoot())
	m := reclaimedRe.FindStringSubmatch(res.Stdout)
	if m == nil {
		t.Fatalf("no reclaimed space in %q", res.Stdout)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	mult := map[string]float64{"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[m[2]]
	reported, measured := int64(v*mult), before-after
	// The report has four significant digits.
	if diff := reported - measured; diff > 16000 || diff < -16000 || reported < 8000000 {
		t.Errorf("prune reported %d bytes reclaimed, the disk holds %d less", reported, measured)
	}
	// Left: busybox's layer and the running container's.
	if layers := env.layerDirs(); len(layers) != 2 || len(layersBefore) != 4 {
		t.Errorf("layers before system prune -a: %q, after: %q", layersBefore, layers)
	}
	if out := env.PMOK("images", "--format", "{{.Repository}}").Lines(); len(out) != 1 || !strings.HasSuffix(out[0], "/busybox") {
		t.Errorf("images left after system prune -a: %q", out)
	}
	env.PMOK("rm", "-f", "-t", "0", "keep")
}
