package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// quietDeadline bounds the wait, at the end of a test, for processes that
// are legitimately finishing: conmon running the exit command just after
// `pm run --rm` returned, a `pm container cleanup` in flight.
const quietDeadline = 10 * time.Second

// runtimeDir is where pm keeps the environment's runtime files (locks,
// exit files, bundles, the pause pid).
func (e *Env) runtimeDir() string {
	switch {
	case e.root:
		return filepath.Join(e.Dir, "tmp") // --tmpdir
	case e.RuntimeDir == "":
		return fallbackRuntimeDir(e.User.UID)
	}
	return e.RuntimeDir
}

// graphRoot is the environment's storage: pm's default for its user, or
// --root.
func (e *Env) graphRoot() string {
	if e.root {
		return filepath.Join(e.Dir, "storage")
	}
	return filepath.Join(e.DataHome, "pm", "storage")
}

// marker is the variable every process pm starts for the environment
// inherits.
func (e *Env) marker() string {
	if e.RuntimeDir == "" {
		return "HOME=" + e.Home
	}
	return "XDG_RUNTIME_DIR=" + e.RuntimeDir
}

// procs lists the environment's live processes but its pause process: those
// with its marker, those in the pause process's user namespace, and their
// descendants.
func (e *Env) procs() []procInfo {
	pause := e.PausePID()
	marker := e.marker()
	var out []procInfo
	for _, p := range selectProcs(listProcs(), func(p procInfo) bool { return p.hasEnv(marker) }, pause) {
		if p.pid != pause {
			out = append(out, p)
		}
	}
	return out
}

// teardown removes the environment's pods and containers as its user would,
// so that what is left afterwards is what pm failed to clean up. It does
// nothing where pm never made its state.
func (e *Env) teardown() {
	if _, err := os.Stat(filepath.Join(e.graphRoot(), "pm", "state.db")); err != nil {
		return
	}
	for _, args := range [][]string{{"pod", "rm", "-a", "-f", "-t", "0"}, {"rm", "-a", "-f", "-t", "0"}} {
		if out, err := e.quietOutput(args...); err != nil {
			e.t.Logf("cleanup: pm %s: %v: %s", shellJoin(args), err, strings.TrimSpace(out))
		}
	}
}

// checkLeftovers fails the test for what pm left behind once its pods and
// containers are removed: processes (after quietDeadline), mounts, storage
// layers and containers, per-container runtime files. The pause process is
// expected.
func (e *Env) checkLeftovers() {
	t := e.t
	var left []procInfo
	deadline := time.Now().Add(quietDeadline)
	for {
		if left = e.procs(); len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("cleanup: %d processes left behind %v after the test and pm rm -af:\n%s", len(left), quietDeadline, listing(left))
	}
	if m := e.mounts(); len(m) > 0 {
		t.Errorf("cleanup: %d mounts left behind after pm rm -af:\n%s", len(m), listing(m))
	}
	if s := e.storageLeftovers(); len(s) > 0 {
		t.Errorf("cleanup: %d storage layers or containers left behind after pm rm -af:\n%s", len(s), listing(s))
	}
	if f := e.runtimeFiles(); len(f) > 0 {
		t.Errorf("cleanup: %d per-container runtime files left behind after pm rm -af:\n%s", len(f), listing(f))
	}
}

// listing formats at most 20 items, one a line.
func listing[T any](items []T) string {
	var b strings.Builder
	for i, it := range items {
		if i == 20 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(items)-i)
			break
		}
		fmt.Fprintf(&b, "  %v\n", it)
	}
	return b.String()
}

// mounts lists the mounts of the environment: below its directories or the
// user-namespace rootfs directory, in its pause process's mount namespace
// (where rootless pm mounts) and in the host's (where root pm mounts).
func (e *Env) mounts() []string {
	under := []string{e.Dir, e.runtimeDir()}
	if !e.root {
		// Root's are in the host's namespace, where every root
		// environment's are: not attributable.
		under = append(under, e.userNSBases()...)
	}
	var out []string
	files := []string{"/proc/self/mountinfo"}
	if pause := e.PausePID(); pause > 0 && alive(pause) {
		files = append(files, filepath.Join("/proc", strconv.Itoa(pause), "mountinfo"))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 5 {
				continue
			}
			mp := unescapeMount(fields[4])
			for _, dir := range under {
				if strings.HasPrefix(mp, dir+"/") {
					fstype := ""
					if i := strings.Index(line, " - "); i >= 0 {
						fstype = strings.Fields(line[i+3:])[0]
					}
					out = append(out, fmt.Sprintf("%s (%s, in %s)", mp, fstype, f))
					break
				}
			}
		}
	}
	return out
}

// storageLeftovers lists, in the environment's storage, the containers
// (none should be left after pm rm -af) and the layers that no image or
// container uses.
func (e *Env) storageLeftovers() []string {
	var out []string
	layerFiles, _ := filepath.Glob(filepath.Join(e.graphRoot(), "*-layers", "layers.json"))
	for _, lf := range layerFiles {
		driver := strings.TrimSuffix(filepath.Base(filepath.Dir(lf)), "-layers")
		var layers []struct {
			ID     string `json:"id"`
			Parent string `json:"parent"`
		}
		var images []struct {
			ID     string   `json:"id"`
			Layer  string   `json:"layer"`
			Mapped []string `json:"mapped-layers"`
		}
		var ctrs []struct {
			ID    string   `json:"id"`
			Layer string   `json:"layer"`
			Names []string `json:"names"`
		}
		readJSON := func(name string, v any) {
			data, err := os.ReadFile(filepath.Join(e.graphRoot(), name))
			if err == nil {
				err = json.Unmarshal(data, v)
			}
			if err != nil && !os.IsNotExist(err) {
				out = append(out, fmt.Sprintf("%s: %v", name, err))
			}
		}
		readJSON(driver+"-layers/layers.json", &layers)
		readJSON(driver+"-images/images.json", &images)
		readJSON(driver+"-containers/containers.json", &ctrs)
		parent := map[string]string{}
		for _, l := range layers {
			parent[l.ID] = l.Parent
		}
		used := map[string]bool{}
		use := func(id string) {
			for ; id != "" && !used[id]; id = parent[id] {
				used[id] = true
			}
		}
		for _, img := range images {
			use(img.Layer)
			for _, m := range img.Mapped {
				use(m)
			}
		}
		for _, c := range ctrs {
			use(c.Layer)
			out = append(out, fmt.Sprintf("storage container %.12s %v (layer %.12s)", c.ID, c.Names, c.Layer))
		}
		for _, l := range layers {
			if !used[l.ID] {
				out = append(out, fmt.Sprintf("%s layer %.12s used by no image or container", driver, l.ID))
			}
		}
	}
	return out
}

var idName = regexp.MustCompile(`[0-9a-f]{64}`)

// runtimeFiles lists the files and directories in the environment's
// runtime directory named after a container (or pod, or exec session):
// none should be left once they are all removed.
func (e *Env) runtimeFiles() []string {
	var out []string
	root := e.runtimeDir()
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if idName.MatchString(d.Name()) {
			out = append(out, strings.TrimPrefix(p, root+"/"))
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// userNSBases lists the directories the environment's pause process has
// its tmpfs for the root filesystems of containers with a user namespace
// on (/tmp/pm-userns-UID-HASH, one per runtime directory): the environment
// made them, and they go with it.
func (e *Env) userNSBases() []string {
	pause := e.PausePID()
	if pause <= 0 || !alive(pause) {
		return nil
	}
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pause), "mountinfo"))
	if err != nil {
		return nil
	}
	prefix := fmt.Sprintf("/tmp/pm-userns-%d-", e.User.UID)
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			if mp := unescapeMount(f[4]); strings.HasPrefix(mp, prefix) && !strings.Contains(mp[len(prefix):], "/") {
				out = append(out, mp)
			}
		}
	}
	return out
}
