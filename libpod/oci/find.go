// Package oci drives conmon and the OCI runtime CLI (create, start, kill,
// delete, state, exec).
package oci

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Find returns the first existing path among candidates, then PATH.
func Find(name string, candidates []string) (string, bool) {
	for _, p := range candidates {
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, true
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	return "", false
}

// VersionOf runs `path --version` and returns its first line.
func VersionOf(ctx context.Context, path string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return ""
	}
	line, _, _ := bytes.Cut(bytes.TrimSpace(out), []byte("\n"))
	return strings.TrimSpace(string(line))
}

// CgroupVersion returns "v2" on a unified host, "v1" otherwise.
func CgroupVersion() string {
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "v2"
	}
	return "v1"
}

// SetsDomainname reports whether the runtime at path applies the spec's
// domainname: runc does from 1.2 on (older ones ignore it); crun and
// the others do. It returns the runtime's version line too.
func SetsDomainname(ctx context.Context, name, path string) (bool, string) {
	v := VersionOf(ctx, path)
	if filepath.Base(name) != "runc" {
		return true, v
	}
	var major, minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(v, "runc version "), "%d.%d", &major, &minor); err != nil {
		return true, v
	}
	return major > 1 || (major == 1 && minor >= 2), v
}
