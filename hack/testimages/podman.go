package main

// The stand-ins for the images Podman's system tests (v4.3.1, test/system)
// pull from quay.io/libpod, and for k8s.gcr.io/pause:3.5. Podman builds its test image from Alpine (see
// test/system/build-testimage there); these are built from busybox-static
// with what the tests look at: the files under /home/podman, the labels,
// working directory and command, an Alpine-like /etc, and a history whose
// entries read like a build's. hack/conformance.sh pushes them to a local
// registry that registries.conf puts in quay.io/libpod's (and
// k8s.gcr.io's) place.

import (
	"archive/tar"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

var (
	// podmanCreated is when the stand-ins were "built": the day of the
	// test image's tag, 20220615.
	podmanCreated = time.Date(2022, 6, 15, 12, 0, 0, 0, time.UTC)
	// testimageIDTime is the mtime Podman gives /home/podman/testimage-id
	// (the tests compare it, e.g. `run --tz`).
	testimageIDTime = time.Unix(1600000000, 0).UTC()
)

// registryBinary is the Debian docker-registry binary the registry:2.8
// stand-in carries (150-login.bats runs it as a container).
const registryBinary = "/usr/bin/docker-registry"

// podmanPasswd and podmanGroup are an Alpine-like /etc/passwd and /etc/group:
// the tests pick ids and names that are (or are not) in the image's.
const podmanPasswd = `root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
man:x:13:15:man:/usr/man:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
`

const podmanGroup = `root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin,adm
adm:x:4:root,adm,daemon
tty:x:5:
disk:x:6:root,adm
lp:x:7:lp
kmem:x:9:
wheel:x:10:root
mail:x:12:mail
news:x:13:news
man:x:15:man
cron:x:16:cron
audio:x:18:
ftp:x:21:
sshd:x:22:
video:x:27:root
games:x:35:
www-data:x:82:
users:x:100:games
ntp:x:123:
nogroup:x:65533:
nobody:x:65534:
`

const podmanOSRelease = `NAME="BusyBox stand-in for Podman's test image"
ID=pm-standin
VERSION_ID=20220615
PRETTY_NAME="pm's stand-in for quay.io/libpod/testimage"
`

// podmanPause is Podman's test image's /home/podman/pause (the pod tests
// use it as an infra command).
const podmanPause = `#!/bin/sh
#
# Stand-in pause script, used by the pod tests
#
echo Confirmed: testimage pause invoked as $0
while :; do
    sleep 0.1
done
`

// k8sPause stands in for the Kubernetes pause binary (200-pod uses
// k8s.gcr.io/pause:3.5 as an infra image): it waits until it is stopped.
const k8sPause = `#!/bin/sh
trap 'exit 0' TERM INT
while :; do
    sleep 1 &
    wait $!
done
`

// podmanServices is a short /etc/services, as Alpine's has one (the diff
// test removes it).
const podmanServices = `ftp		21/tcp
ssh		22/tcp
domain		53/tcp
domain		53/udp
http		80/tcp		www
https		443/tcp
`

// podmanPrintenv stands in for the printenv Alpine's busybox has and
// Debian's busybox-static lacks (the tests call it by name and as
// /bin/printenv).
const podmanPrintenv = `#!/bin/sh
# printenv [NAME...]: the environment, or the values of NAMEs, as the
# process got them (the shell exports variables of its own).
if [ $# -eq 0 ]; then
	tr '\0' '\n' </proc/$$/environ
	exit
fi
rc=0
for name; do
	line=$(tr '\0' '\n' </proc/$$/environ | grep -m1 "^$name=") || { rc=1; continue; }
	printf '%s\n' "${line#*=}"
done
exit $rc
`

const podmanRegistryConfig = `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
`

// podmanBase is the Alpine-like root file system every stand-in starts
// from: busybox with its applets in /bin (and the few the tests call by a
// /usr/bin path), busybox-extras for httpd.
func podmanBase(busybox string) ([]entry, error) {
	bin, err := os.ReadFile(busybox)
	if err != nil {
		return nil, err
	}
	list, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list: %w", busybox, err)
	}
	entries := []entry{
		dir("bin", 0o755), dir("sbin", 0o755), dir("etc", 0o755), dir("home", 0o755),
		dir("lib", 0o755), dir("media", 0o755), dir("mnt", 0o755), dir("opt", 0o755),
		dir("proc", 0o555), dir("root", 0o700), dir("run", 0o755), dir("srv", 0o755),
		dir("sys", 0o555), dir("dev", 0o755), dir("tmp", 0o1777), dir("usr", 0o755),
		dir("usr/bin", 0o755), dir("usr/sbin", 0o755), dir("usr/local", 0o755),
		dir("usr/local/bin", 0o755), dir("var", 0o755), dir("var/tmp", 0o1777),
		dir("var/log", 0o755), dir("var/empty", 0o555),
		{name: "bin/busybox", typ: tar.TypeReg, mode: 0o755, data: bin},
		{name: "bin/busybox-extras", typ: tar.TypeSymlink, mode: 0o777, linkname: "busybox"},
		{name: "usr/bin/env", typ: tar.TypeSymlink, mode: 0o777, linkname: "/bin/busybox"},
		{name: "usr/bin/nsenter", typ: tar.TypeSymlink, mode: 0o777, linkname: "/bin/busybox"},
		file("etc/passwd", 0o644, podmanPasswd),
		file("etc/group", 0o644, podmanGroup),
		file("etc/os-release", 0o644, podmanOSRelease),
		file("etc/shells", 0o644, "/bin/sh\n/bin/ash\n"),
		file("etc/services", 0o644, podmanServices),
		file("bin/printenv", 0o755, podmanPrintenv),
		{name: "usr/bin/printenv", typ: tar.TypeSymlink, mode: 0o777, linkname: "/bin/printenv"},
	}
	seen := map[string]bool{"busybox": true, "printenv": true}
	for _, applet := range strings.Fields(string(list)) {
		if seen[applet] || strings.Contains(applet, "/") {
			continue
		}
		seen[applet] = true
		entries = append(entries, entry{name: "bin/" + applet, typ: tar.TypeSymlink, mode: 0o777, linkname: "busybox"})
	}
	return entries, nil
}

// hostFiles returns layer entries holding the host's files at the same
// paths, their parent directories included.
func hostFiles(paths ...string) ([]entry, error) {
	var entries []entry
	dirs := map[string]bool{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(filepath.Clean(p), "/")
		for d := filepath.Dir(rel); d != "."; d = filepath.Dir(d) {
			if !dirs[d] {
				dirs[d] = true
				entries = append(entries, dir(d, 0o755))
			}
		}
		entries = append(entries, entry{name: rel, typ: tar.TypeReg, mode: int64(st.Mode().Perm()), data: data})
	}
	return entries, nil
}

// sharedLibraries returns the shared objects ldd says bin loads.
func sharedLibraries(bin string) ([]string, error) {
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", bin, err)
	}
	var libs []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[1] == "=>" && strings.HasPrefix(f[2], "/"):
			libs = append(libs, f[2])
		case len(f) >= 1 && strings.HasPrefix(f[0], "/"):
			libs = append(libs, f[0])
		}
	}
	return libs, nil
}

func podmanHistory(entries ...string) []v1.History {
	var h []v1.History
	for _, e := range entries {
		empty := !strings.HasPrefix(e, "ADD") && !strings.HasPrefix(e, "COPY")
		h = append(h, v1.History{Created: &podmanCreated, CreatedBy: "/bin/sh -c #(nop) " + e, EmptyLayer: empty})
	}
	return h
}

// podmanImages builds the stand-ins, named as under quay.io/ (without it),
// but for k8s.gcr.io's, named in full.
func podmanImages(b *builder, busybox string) ([]image, error) {
	baseEntries, err := podmanBase(busybox)
	if err != nil {
		return nil, err
	}
	base, err := b.layer(baseEntries)
	if err != nil {
		return nil, err
	}
	homeLayer := func(id string) (layer, error) {
		return b.layer([]entry{
			dir("home/podman", 0o755),
			{name: "home/podman/testimage-id", typ: tar.TypeReg, mode: 0o644, data: []byte(id + "\n"), mtime: testimageIDTime},
			file("home/podman/pause", 0o755, podmanPause),
		})
	}
	home, err := homeLayer("20220615")
	if err != nil {
		return nil, err
	}
	homeOld, err := homeLayer("20210610")
	if err != nil {
		return nil, err
	}
	alpineRelease, err := b.layer([]entry{file("etc/alpine-release", 0o644, "3.16.0\n")})
	if err != nil {
		return nil, err
	}

	testCmd := []string{"/bin/echo", "This container is intended for podman CI testing"}
	testConfig := func(createdAt string) v1.ImageConfig {
		return v1.ImageConfig{
			Env:        []string{envPath},
			Cmd:        testCmd,
			WorkingDir: "/home/podman",
			Labels: map[string]string{
				"created_by": "test/system/build-testimage",
				"created_at": createdAt,
			},
		}
	}
	testHistory := func(createdAt string) []v1.History {
		return podmanHistory(
			"ADD file:busybox-static in / ",
			`CMD ["/bin/sh"]`,
			"ADD testimage-id pause /home/podman/ ",
			"LABEL created_by=test/system/build-testimage",
			"LABEL created_at="+createdAt,
			"WORKDIR /home/podman",
			`CMD ["/bin/echo", "This container is intended for podman CI testing"]`)
	}
	plain := func(name string) v1.ImageConfig {
		return v1.ImageConfig{Env: []string{envPath}, Cmd: []string{"/bin/sh"},
			Labels: map[string]string{"io.pm.standin": name}}
	}
	plainHistory := podmanHistory("ADD file:busybox-static in / ", `CMD ["/bin/sh"]`)
	images := []image{
		{ref: "libpod/testimage:20220615", layers: []layer{base, home}, created: &podmanCreated,
			config: testConfig("2022-06-15T12:00:00Z"), history: testHistory("2022-06-15T12:00:00Z")},
		{ref: "libpod/testimage:multiimage", layers: []layer{base, homeOld}, created: &podmanCreated,
			config: testConfig("2021-06-10T12:00:00Z"), history: testHistory("2021-06-10T12:00:00Z")},
		{ref: "libpod/testimage:00000004", layers: []layer{base}, created: &podmanCreated,
			config: plain("nonlocal"), history: plainHistory},
		{ref: "libpod/busybox:latest", layers: []layer{base}, created: &podmanCreated,
			config: plain("busybox"), history: plainHistory},
		{ref: "libpod/alpine:latest", layers: []layer{base, alpineRelease}, created: &podmanCreated,
			config:  plain("alpine"),
			history: podmanHistory("ADD file:busybox-static in / ", "ADD alpine-release /etc/ ", `CMD ["/bin/sh"]`)},
	}

	pause, err := b.layer([]entry{file("pause", 0o755, k8sPause)})
	if err != nil {
		return nil, err
	}
	images = append(images, image{ref: "k8s.gcr.io/pause:3.5", layers: []layer{base, pause}, created: &podmanCreated,
		config:  v1.ImageConfig{Env: []string{envPath}, Entrypoint: []string{"/pause"}},
		history: podmanHistory("ADD file:busybox-static in / ", "ADD pause / ", `ENTRYPOINT ["/pause"]`)})

	reg, err := registryImage(b, base)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testimages: no registry:2.8 stand-in: %v\n", err)
	} else {
		images = append(images, reg)
	}
	return images, nil
}

// registryImage is the stand-in for the registry:2.8 image: the host's
// docker-registry binary with the libraries it loads.
func registryImage(b *builder, base layer) (image, error) {
	libs, err := sharedLibraries(registryBinary)
	if err != nil {
		return image{}, err
	}
	entries, err := hostFiles(libs...)
	if err != nil {
		return image{}, err
	}
	bin, err := os.ReadFile(registryBinary)
	if err != nil {
		return image{}, err
	}
	entries = append(entries,
		entry{name: "bin/registry", typ: tar.TypeReg, mode: 0o755, data: bin},
		dir("etc/docker", 0o755), dir("etc/docker/registry", 0o755),
		file("etc/docker/registry/config.yml", 0o644, podmanRegistryConfig),
		dir("var/lib", 0o755), dir("var/lib/registry", 0o755))
	l, err := b.layer(entries)
	if err != nil {
		return image{}, err
	}
	return image{
		ref:     "libpod/registry:2.8",
		layers:  []layer{base, l},
		created: &podmanCreated,
		config: v1.ImageConfig{
			Env:          []string{envPath},
			Entrypoint:   []string{"/bin/registry"},
			Cmd:          []string{"serve", "/etc/docker/registry/config.yml"},
			ExposedPorts: map[string]struct{}{"5000/tcp": {}},
			Volumes:      map[string]struct{}{"/var/lib/registry": {}},
		},
		history: podmanHistory("ADD file:busybox-static in / ", "COPY registry /bin/registry ",
			`ENTRYPOINT ["/bin/registry"]`, `CMD ["serve" "/etc/docker/registry/config.yml"]`),
	}, nil
}

// runPodman writes the stand-ins to out/podman-oci and pushes them to
// registry under the names quay.io (or k8s.gcr.io) gives them.
func runPodman(ctx context.Context, out, registry, busybox string) error {
	if registry == "" {
		return fmt.Errorf("-podman needs -registry")
	}
	layout := filepath.Join(out, "podman-oci")
	b, err := newBuilder(layout)
	if err != nil {
		return err
	}
	images, err := podmanImages(b, busybox)
	if err != nil {
		return err
	}
	if err := b.writeImages(images); err != nil {
		return err
	}
	c, err := newCopier(ctx, layout)
	if err != nil {
		return err
	}
	defer c.close()
	for _, img := range images {
		if err := c.push(registry, img.ref); err != nil {
			return err
		}
	}
	return nil
}
