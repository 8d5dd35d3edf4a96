package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRunHostOptions: --device, --sysctl, --shm-size, --expose with -P,
// --label-file, --umask, --unsetenv(-all), -q and the cgroup settings
// reach the container and show in inspect; bad values are refused with
// nothing created.
func TestRunHostOptions(t *testing.T) {
	env := ctrEnv(t)
	labels := env.writeFile("labels", "# team labels\nteam=blue\nrole=web\n")
	out := env.PMOK("run", "--rm", "--device", "/dev/fuse:/dev/myfuse", "--sysctl", "net.ipv4.ping_group_range=0 0",
		"--shm-size", "8m", "--umask", "0027", "busybox", "sh", "-c",
		"test -c /dev/myfuse && echo dev; cat /proc/sys/net/ipv4/ping_group_range; df -k /dev/shm | tail -1; umask").Lines()
	if len(out) != 4 || out[0] != "dev" || strings.Join(strings.Fields(out[1]), " ") != "0 0" ||
		!strings.Contains(out[2], " 8192 ") || out[3] != "0027" {
		t.Errorf("device, sysctl, shm-size and umask inside: %q", out)
	}
	env.PMOK("create", "--name", "opts", "--device", "/dev/fuse", "--sysctl", "kernel.shmmax=100000000", "--shm-size", "16m",
		"--label-file", labels, "--label", "role=db", "--expose", "7000-7001/udp", "-P",
		"--cpu-shares", "512", "--cpuset-cpus", "0", "--memory-reservation", "32m", "busybox", "true")
	var data []struct {
		Config struct {
			Labels map[string]string
		}
		HostConfig struct {
			ShmSize    int64
			Sysctls    map[string]string
			Devices    []struct{ PathOnHost, PathInContainer, CgroupPermissions string }
			CpuShares  uint64
			CpusetCpus string
		}
		NetworkSettings struct {
			Ports map[string][]struct{ HostPort string }
		}
	}
	if err := json.Unmarshal([]byte(env.PMOK("inspect", "opts").Stdout), &data); err != nil || len(data) != 1 {
		t.Fatalf("inspect: %v", err)
	}
	d := data[0]
	if d.HostConfig.ShmSize != 16<<20 || d.HostConfig.Sysctls["kernel.shmmax"] != "100000000" ||
		len(d.HostConfig.Devices) != 1 || d.HostConfig.Devices[0].PathInContainer != "/dev/fuse" || d.HostConfig.Devices[0].CgroupPermissions != "rwm" {
		t.Errorf("inspect HostConfig: %+v", d.HostConfig)
	}
	if d.Config.Labels["team"] != "blue" || d.Config.Labels["role"] != "db" {
		t.Errorf("labels from --label-file and --label: %v", d.Config.Labels)
	}
	if _, ok := d.NetworkSettings.Ports["7001/udp"]; !ok {
		t.Errorf("-P with --expose 7000-7001/udp published %v", d.NetworkSettings.Ports)
	}

	img := env.PMOK("run", "--rm", "--unsetenv", "PATH", "-e", "KEEP=1", "busybox", "/bin/env").Stdout
	if strings.Contains(img, "PATH=") || !strings.Contains(img, "KEEP=1") {
		t.Errorf("--unsetenv PATH: %q", img)
	}
	// The runtime sets HOME when the process has none.
	all := env.PMOK("run", "--rm", "--unsetenv-all", "-e", "ONLY=1", "busybox", "/bin/env").Stdout
	for _, gone := range []string{"PATH=", "TERM=", "container="} {
		if strings.Contains(all, gone) || !strings.Contains(all, "ONLY=1") {
			t.Errorf("--unsetenv-all: %q", all)
		}
	}
	env.PMOK("rm", "opts")
	env.PMOK("rmi", "busybox")
	if r := env.PMOK("run", "--rm", "-q", registry+"/busybox", "true"); r.Stderr != "" {
		t.Errorf("run -q printed pull progress: %q", r.Stderr)
	}

	before := env.PMOK("ps", "-aq").Stdout
	for _, c := range []struct{ flag, value, msg string }{
		{"--device", "/nonexistent", "no such file"},
		{"--device", "/etc/passwd", "not a device"},
		{"--device", "/dev/fuse:/x:rwz", "permissions"},
		{"--sysctl", "kernel.hostname=x", "not a namespaced"},
		{"--sysctl", "novalue", "NAME=VALUE"},
		{"--shm-size", "lots", "--shm-size"},
		{"--expose", "80/xyz", "protocol"},
		{"--umask", "999", "--umask"},
		{"--platform", "linux", "OS/ARCH"},
		{"--cpuset-cpus", "a-b", "--cpuset-cpus"},
		{"--label-file", "/nonexistent", "--label-file"},
	} {
		env.PM("create", c.flag, c.value, "busybox", "true").ExpectError(t, 125, c.msg)
	}
	env.PM("create", "--network", "host", "--sysctl", "net.ipv4.ip_forward=1", "busybox", "true").ExpectError(t, 125, "--network host")
	if after := env.PMOK("ps", "-aq").Stdout; after != before {
		t.Errorf("containers after refused creates: %q, before %q", after, before)
	}
}
