package oci

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

func seccompSpec(syscall string) *specs.Spec {
	return &specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Syscalls:      []specs.LinuxSyscall{{Names: []string{syscall}, Action: specs.ActErrno}},
	}}}
}

// TestSeccompCache: the filter crun left in its state directory is handed
// back for the same profile only: not for another profile, another
// runtime, a profile with flags or a listener, or a spec with a filter of
// its own.
func TestSeccompCache(t *testing.T) {
	root := filepath.Join(t.TempDir(), "crun")
	r := &Runtime{Name: "crun", Path: "/bin/sh", Root: root}
	filter := bytes.Repeat([]byte{6, 0, 0, 0, 0, 0, 0xff, 0x7f}, 3)

	sp := seccompSpec("mkdir")
	key := r.UseCachedSeccomp(sp)
	if key == "" || sp.Annotations[seccompBPFAnnotation] != "" {
		t.Fatalf("empty cache: key %q, annotations %v", key, sp.Annotations)
	}
	// crun compiled it for container c1.
	if err := os.MkdirAll(filepath.Join(root, "c1"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "c1", "seccomp.bpf"), filter, 0o600); err != nil {
		t.Fatal(err)
	}
	r.KeepSeccomp("c1", key)

	sp = seccompSpec("mkdir")
	if k := r.UseCachedSeccomp(sp); k != "" {
		t.Errorf("cached profile: key %q to keep again", k)
	}
	if got, _ := base64.StdEncoding.DecodeString(sp.Annotations[seccompBPFAnnotation]); !bytes.Equal(got, filter) {
		t.Errorf("cached profile: annotation %q, want the kept filter", sp.Annotations[seccompBPFAnnotation])
	}

	other := seccompSpec("rmdir")
	if k := r.UseCachedSeccomp(other); k == "" || k == key || other.Annotations[seccompBPFAnnotation] != "" {
		t.Errorf("another profile: key %q (first %q), annotations %v", k, key, other.Annotations)
	}
	failUnknown := seccompSpec("mkdir")
	failUnknown.Annotations = map[string]string{seccompFailUnknownSyscal: "1"}
	if k := r.UseCachedSeccomp(failUnknown); k == "" || k == key {
		t.Errorf("fail_unknown_syscall: key %q, want another than %q", k, key)
	}
	runc := &Runtime{Name: "runc", Path: "/bin/sh", Root: root}
	for name, c := range map[string]struct {
		r  *Runtime
		sp *specs.Spec
	}{
		"runc": {runc, seccompSpec("mkdir")},
		"flags": {r, func() *specs.Spec {
			s := seccompSpec("mkdir")
			s.Linux.Seccomp.Flags = []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_LOG"}
			return s
		}()},
		"listener": {r, func() *specs.Spec { s := seccompSpec("mkdir"); s.Linux.Seccomp.ListenerPath = "/run/l.sock"; return s }()},
		"given": {r, func() *specs.Spec {
			s := seccompSpec("mkdir")
			s.Annotations = map[string]string{seccompBPFAnnotation: "AAAA"}
			return s
		}()},
		"none": {r, &specs.Spec{Linux: &specs.Linux{}}},
	} {
		before := c.sp.Annotations[seccompBPFAnnotation]
		if k := c.r.UseCachedSeccomp(c.sp); k != "" || c.sp.Annotations[seccompBPFAnnotation] != before {
			t.Errorf("%s: key %q, annotation %q; want no cache", name, k, c.sp.Annotations[seccompBPFAnnotation])
		}
	}
	// A file that is no filter is not kept.
	if err := os.WriteFile(filepath.Join(root, "c1", "seccomp.bpf"), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.KeepSeccomp("c1", r.UseCachedSeccomp(other))
	if k := r.UseCachedSeccomp(seccompSpec("rmdir")); k == "" {
		t.Error("a 5-byte seccomp.bpf was kept as a filter")
	}
}
