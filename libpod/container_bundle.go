package libpod

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// writeBundle writes config.json (rooted at mountpoint), hosts,
// resolv.conf and hostname into the container's bundle directory.
func (r *Runtime) writeBundle(c *Container, mountpoint string, env []string, adjust func(*specs.Spec)) (string, error) {
	dir := r.bundleDir(c.ID())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating bundle of %s: %w", c.ID(), err)
	}
	var sp specs.Spec
	if err := json.Unmarshal(c.Config.Spec, &sp); err != nil {
		return "", fmt.Errorf("decoding OCI spec of %s: %w", c.ID(), err)
	}
	if sp.Root == nil {
		sp.Root = &specs.Root{}
	}
	sp.Root.Path = mountpoint
	if sp.Process != nil {
		sp.Process.Env = mergeEnv(sp.Process.Env, env)
	}
	if sp.Linux != nil && c.Config.IDMaps != nil {
		// Join the user namespace that owns the network namespace pm
		// made (newNetNS), keeping the maps for the runtime's view.
		if _, err := os.Stat(r.userNSPath(c.ID())); err == nil {
			for i, ns := range sp.Linux.Namespaces {
				if ns.Type == specs.UserNamespace && ns.Path == "" {
					sp.Linux.Namespaces[i].Path = r.userNSPath(c.ID())
				}
			}
		}
	}
	hostname := sp.Hostname
	owner := r.hostsOwner(c) // whose network namespace, and name files, c joins
	sharedHosts := r.shareHosts(c, owner, &sp, filepath.Join(dir, "hosts"))
	if err := r.addSecrets(c, &sp, dir); err != nil {
		return "", err
	}
	if err := r.addDefaultMounts(c, &sp, dir); err != nil {
		return "", err
	}
	if adjust != nil {
		adjust(&sp)
	}
	b, err := json.MarshalIndent(&sp, "", " ")
	if err != nil {
		return "", fmt.Errorf("encoding OCI spec of %s: %w", c.ID(), err)
	}
	links, err := r.linkHosts(context.Background(), c)
	if err != nil {
		return "", err
	}
	hosts, err := r.hostsFor(c, hostname, mountpoint)
	if err != nil {
		return "", err
	}
	files := map[string][]byte{
		"hosts":        append(hosts, links...),
		"resolv.conf":  r.sharedResolv(c, owner),
		"hostname":     []byte(hostname + "\n"),
		"containerenv": r.containerEnv(c),
		"config.json":  b,
	}
	if sharedHosts {
		delete(files, "hosts")
	}
	for name, data := range files {
		if err := writeFileAtomic(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", fmt.Errorf("writing %s of %s: %w", name, c.ID(), err)
		}
	}
	return dir, nil
}

// containerEnv is the content of /run/.containerenv: empty, so that a
// container learns only that it is one, except in a --privileged container,
// which may see the host anyway and is told who runs it, as in Podman.
func (r *Runtime) containerEnv(c *Container) []byte {
	if !c.Config.Privileged {
		return nil
	}
	return []byte(fmt.Sprintf("engine=\"pm\"\nname=%q\nid=%q\nimage=%q\nimageid=%q\nrootless=%d\n",
		c.Name(), c.ID(), c.Config.Image.Name, c.Config.Image.ID, boolInt(r.cfg.Rootless)))
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// resolvConf is the host's resolv.conf without loopback nameservers, which
// mean nothing inside a private network namespace. With host networking
// the host's file is used as it is.
func resolvConf(networkMode string) []byte {
	host, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		return []byte{}
	}
	if networkMode == "host" {
		return host
	}
	return filterResolvConf(host)
}

// filterResolvConf drops 127.x and ::1 nameservers; when none remain it
// keeps the host's file as it is.
func filterResolvConf(host []byte) []byte {
	var out bytes.Buffer
	kept := 0
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "nameserver" {
			if strings.HasPrefix(f[1], "127.") || f[1] == "::1" {
				continue
			}
			kept++
		}
		out.WriteString(line + "\n")
	}
	if kept == 0 {
		return host
	}
	return out.Bytes()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
