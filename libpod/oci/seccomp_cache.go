package oci

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// crun compiles a container's seccomp profile with libseccomp at every
// create: about a seventh of the CPU time of a `run --rm`. It keeps the
// filter it compiled in its state directory (seccomp.bpf) and takes a
// compiled one, instead of the profile, from the annotation
// run.oci.seccomp_bpf_data. pm keeps the filter crun compiled for a
// profile (by the profile, crun's binary and the architecture) and hands
// it back to crun for the next container with the same profile. The cache
// lives in the runtime directory, so a reboot empties it.

const (
	seccompBPFAnnotation     = "run.oci.seccomp_bpf_data"
	seccompFailUnknownSyscal = "run.oci.seccomp_fail_unknown_syscall"
	seccompCacheMax          = 32
)

func (r *Runtime) seccompCacheDir() string { return r.Root + "-seccomp" }

// seccompKey names sp's compiled filter in the cache; "" when crun must
// compile it: another runtime, no profile, a notify listener or flags
// (which the annotation does not carry), or a filter the user gave.
func (r *Runtime) seccompKey(sp *specs.Spec) string {
	if r.Name != "crun" || r.Root == "" || sp.Linux == nil || sp.Linux.Seccomp == nil {
		return ""
	}
	s := sp.Linux.Seccomp
	if s.ListenerPath != "" || len(s.Flags) > 0 {
		return ""
	}
	if _, ok := sp.Annotations[seccompBPFAnnotation]; ok {
		return ""
	}
	st, err := os.Stat(r.Path)
	if err != nil {
		return ""
	}
	profile, err := json.Marshal(s)
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%s\x00%s\x00", r.Path, st.Size(), st.ModTime().UnixNano(), runtime.GOARCH, sp.Annotations[seccompFailUnknownSyscal])
	h.Write(profile)
	// 192 bits name a profile well enough; a whole hash would read as a
	// container ID to whoever looks for those.
	return hex.EncodeToString(h.Sum(nil))[:48]
}

// UseCachedSeccomp gives sp the filter crun compiled before for the same
// profile, when the cache has it. It returns the key to keep the filter
// under once crun has compiled it (KeepSeccomp), or "" when there is
// nothing to keep.
func (r *Runtime) UseCachedSeccomp(sp *specs.Spec) string {
	key := r.seccompKey(sp)
	if key == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(r.seccompCacheDir(), key))
	if err != nil || len(b) == 0 || len(b)%8 != 0 {
		return key
	}
	if sp.Annotations == nil {
		sp.Annotations = map[string]string{}
	}
	sp.Annotations[seccompBPFAnnotation] = base64.StdEncoding.EncodeToString(b)
	return ""
}

// KeepSeccomp keeps the filter crun compiled for container id under key.
// The cache is only a saving: what fails here is dropped.
func (r *Runtime) KeepSeccomp(id, key string) {
	if key == "" {
		return
	}
	b, err := os.ReadFile(filepath.Join(r.Root, id, "seccomp.bpf"))
	// A filter is a whole number of 8-byte instructions.
	if err != nil || len(b) == 0 || len(b)%8 != 0 {
		return
	}
	dir := r.seccompCacheDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			// The full cache starts again; a temporary file a minute old is
			// what a pm killed while it wrote it left.
			info, err := e.Info()
			if len(ents) >= seccompCacheMax || err == nil && strings.HasPrefix(e.Name(), ".tmp-") && time.Since(info.ModTime()) > time.Minute {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(dir, key)) != nil {
		os.Remove(tmp.Name())
	}
}
