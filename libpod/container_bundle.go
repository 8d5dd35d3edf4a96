package libpod

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// writeBundle writes config.json (rooted at mountpoint), hosts,
// resolv.conf and hostname into the container's bundle directory.
func (r *Runtime) writeBundle(c *Container, mountpoint string) (string, error) {
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
	b, err := json.MarshalIndent(&sp, "", " ")
	if err != nil {
		return "", fmt.Errorf("encoding OCI spec of %s: %w", c.ID(), err)
	}
	hostname := sp.Hostname
	files := map[string][]byte{
		"config.json": b,
		"hosts":       hostsFor(c, hostname),
		"resolv.conf": resolvFor(c),
		"hostname":    []byte(hostname + "\n"),
		"containerenv": []byte(fmt.Sprintf("engine=\"pm\"\nname=%q\nid=%q\nimage=%q\nimageid=%q\nrootless=%d\n",
			c.Name(), c.ID(), c.Config.Image.Name, c.Config.Image.ID, boolInt(r.cfg.Rootless))),
	}
	for name, data := range files {
		if err := writeFileAtomic(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", fmt.Errorf("writing %s of %s: %w", name, c.ID(), err)
		}
	}
	return dir, nil
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// hostsFile is the container's /etc/hosts.
func hostsFile(hostname string) []byte {
	var b bytes.Buffer
	b.WriteString("127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n")
	b.WriteString("::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n")
	if hostname != "" {
		fmt.Fprintf(&b, "127.0.1.1\t%s\n", hostname)
	}
	b.WriteString("10.0.2.2\thost.containers.internal host.docker.internal\n")
	return b.Bytes()
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
