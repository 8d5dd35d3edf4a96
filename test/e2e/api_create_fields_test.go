package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dockerFails runs the docker CLI, expects it to fail with want in its
// error, and checks that no container of that name was left.
func (e *Env) dockerFails(name, want string, args ...string) {
	e.t.Helper()
	r := e.Exec("docker", args...)
	if r.Code == 0 || !strings.Contains(r.Stderr, want) {
		e.t.Errorf("docker %s: exit %d, stderr %q, want a failure with %q", shellJoin(args), r.Code, r.Stderr, want)
	}
	if name != "" {
		if r := e.Exec("docker", "inspect", name); r.Code == 0 {
			e.t.Errorf("docker %s failed but left container %s", shellJoin(args), name)
			e.Exec("docker", "rm", "-f", name)
		}
	}
}

// TestAPICreateNamespaces: PidMode, IpcMode, UTSMode, UsernsMode,
// Domainname and OomScoreAdj of the create body take effect.
func TestAPICreateNamespaces(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rm", "-f", "holder"); env.Exec("docker", "rmi", "-f", img) })

	// --pid host: the service's own process is visible in the container.
	svcPid := strconv.Itoa(svc.cmd.Process.Pid)
	if r := env.Exec("docker", "run", "--rm", "--pid", "host", img, "test", "-d", "/proc/"+svcPid); r.Code != 0 {
		t.Errorf("--pid host: /proc/%s not visible: exit %d %s", svcPid, r.Code, r.Stderr)
	}
	if r := env.Exec("docker", "run", "--rm", img, "test", "-d", "/proc/"+svcPid); r.Code == 0 {
		t.Errorf("without --pid host the service's process %s is visible", svcPid)
	}
	// --pid container:NAME: PID 1 is the other container's process.
	env.docker("run", "-d", "--name", "holder", img, "sleep", "300")
	if out := env.docker("run", "--rm", "--pid", "container:holder", img, "cat", "/proc/1/cmdline").Stdout; out != "sleep\x00300\x00" {
		t.Errorf("--pid container:holder: PID 1 runs %q, want sleep 300", out)
	}
	if out := env.docker("inspect", "--format", "{{.HostConfig.PidMode}}", "holder").Stdout; out != "private\n" {
		t.Errorf("inspect PidMode of holder: %q", out)
	}
	// --ipc host and container:NAME join those IPC namespaces.
	hostIPC, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/ipc", svc.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	if out := strings.TrimSpace(env.docker("run", "--rm", "--ipc", "host", img, "readlink", "/proc/self/ns/ipc").Stdout); out != hostIPC {
		t.Errorf("--ipc host: namespace %s, want the host's %s", out, hostIPC)
	}
	holderIPC := strings.TrimSpace(env.docker("exec", "holder", "readlink", "/proc/self/ns/ipc").Stdout)
	if out := strings.TrimSpace(env.docker("run", "--rm", "--ipc", "container:holder", img, "readlink", "/proc/self/ns/ipc").Stdout); out != holderIPC || out == hostIPC {
		t.Errorf("--ipc container:holder: namespace %s, want holder's %s", out, holderIPC)
	}
	// --uts host: the host's name; --domainname in a UTS namespace of
	// its own.
	hostname, _ := os.Hostname()
	if out := strings.TrimSpace(env.docker("run", "--rm", "--uts", "host", img, "hostname").Stdout); out != hostname {
		t.Errorf("--uts host: hostname %q, want %q", out, hostname)
	}
	// runc before 1.2 ignores a domain name: pm says no there.
	if r := env.Exec("docker", "run", "--rm", "--name", "dn", "--domainname", "example.org", img, "cat", "/proc/sys/kernel/domainname"); r.Code == 0 {
		if r.Stdout != "example.org\n" {
			t.Errorf("--domainname: %q", r.Stdout)
		}
	} else if !strings.Contains(r.Stderr, "a domain name needs runc 1.2 or newer") || env.Exec("docker", "inspect", "dn").Code == 0 {
		t.Errorf("--domainname refused with exit %d: %s (or a container was left)", r.Code, r.Stderr)
	}
	env.dockerFails("utsbad", "hostname", "run", "--name", "utsbad", "--uts", "host", "--hostname", "h", img, "true")
	// --oom-score-adj, which a rootless container may raise.
	if out := env.docker("run", "--rm", "--oom-score-adj", "500", img, "cat", "/proc/self/oom_score_adj").Stdout; out != "500\n" {
		t.Errorf("--oom-score-adj 500: %q", out)
	}
	env.dockerFails("oombad", "oom-score-adj", "create", "--name", "oombad", "--oom-score-adj", "1001", img)
	// UsernsMode: host is pm's default; keep-id maps the user in.
	if out := env.docker("run", "--rm", "--userns", "host", img, "id", "-u").Stdout; out != "0\n" {
		t.Errorf("--userns host: id -u %q", out)
	}
	code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=keepid", `{"Image":"`+img+`","Cmd":["id","-u"],"HostConfig":{"UsernsMode":"keep-id"}}`)
	if code != "201" {
		t.Fatalf("create with UsernsMode keep-id: %s %s", code, body)
	}
	defer env.Exec("docker", "rm", "-f", "keepid")
	if out := env.docker("start", "-a", "keepid").Stdout; out != strconv.Itoa(env.User.UID)+"\n" {
		t.Errorf("UsernsMode keep-id: id -u %q, want %d", out, env.User.UID)
	}
	env.dockerFails("usernsbad", "userns", "create", "--name", "usernsbad", "--userns", "bogus", img)
}

// TestAPICreateResourcesAndRefusals: limits a rootless cgroup v1 host
// cannot apply are answered with Podman's warning; values Docker
// refuses, and fields pm cannot honour, are refused with nothing made.
func TestAPICreateResourcesAndRefusals(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })

	r := env.docker("create", "--name", "limited", "--cpu-period", "50000", "--cpu-quota", "25000", img)
	defer env.Exec("docker", "rm", "-f", "limited")
	if cgroupV1() {
		if !strings.Contains(r.Stderr, "Resource limits are not supported and ignored on cgroups V1 rootless systems") {
			t.Errorf("docker create --cpu-quota on rootless cgroup v1: no warning in %q", r.Stderr)
		}
	} else if out := env.docker("inspect", "--format", "{{.HostConfig.CpuPeriod}} {{.HostConfig.CpuQuota}}", "limited").Stdout; out != "50000 25000\n" {
		t.Errorf("inspect CpuPeriod CpuQuota: %q", out)
	}
	env.dockerFails("badperiod", "CPU cfs period", "create", "--name", "badperiod", "--cpu-period", "500", img)
	env.dockerFails("conflict", "--cpus", "create", "--name", "conflict", "--cpus", "1", "--cpu-quota", "50000", img)
	env.dockerFails("gpu", `could not select device driver "" with capabilities: [[gpu]]`, "create", "--name", "gpu", "--gpus", "all", img)
	env.dockerFails("iso", "invalid isolation", "create", "--name", "iso", "--isolation", "hyperv", img)
	env.dockerFails("sto", "--storage-opt is supported only", "create", "--name", "sto", "--storage-opt", "size=1G", img)
	env.dockerFails("vdrv", "plugin", "create", "--name", "vdrv", "--volume-driver", "nfs", "-v", "x:/x", img)
	// Windows-only CPU fields: warned and dropped, as Docker does with
	// CpuPercent.
	code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=wincpu", `{"Image":"`+img+`","HostConfig":{"CpuPercent":50,"CpuCount":2}}`)
	defer env.Exec("docker", "rm", "-f", "wincpu")
	if code != "201" || !strings.Contains(body, "linux does not support CPU percent") || !strings.Contains(body, "CPU count") {
		t.Errorf("create with CpuPercent and CpuCount: %s %s", code, body)
	}
	for _, bad := range []string{
		`"HostConfig":{"IOMaximumIOps":100}`,
		`"HostConfig":{"Cgroup":"container:x"}`,
		`"NetworkingConfig":{"EndpointsConfig":{"n":{"DriverOpts":{"a":"b"}}}}`,
		`"HostConfig":{"Mounts":[{"Type":"volume","Target":"/v","VolumeOptions":{"Subpath":"a"}}]}`,
	} {
		code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=refused", `{"Image":"`+img+`",`+bad+`}`)
		if code != "400" {
			t.Errorf("create with %s: %s %s, want 400", bad, code, body)
		}
	}
	if r := env.Exec("docker", "inspect", "refused"); r.Code == 0 {
		t.Errorf("a refused create left a container")
	}
	// Published ports of ExposedPorts with -P.
	env.docker("create", "--name", "exposed", "--expose", "8123", "-P", img, "sleep", "5")
	defer env.Exec("docker", "rm", "-f", "exposed")
	if got := env.docker("inspect", "--format", `{{range $p, $b := .HostConfig.PortBindings}}{{$p}} {{end}}`, "exposed").Stdout; !strings.Contains(got, "8123/tcp") {
		t.Errorf("--expose 8123 -P: port bindings %q", got)
	}
}

// TestAPICreateMountsAndPaths: Mount options (tmpfs size and mode, volume
// labels and nocopy, bind propagation and create-mountpoint), the
// systempaths override and ConsoleSize take effect.
func TestAPICreateMountsAndPaths(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })

	if out := env.docker("run", "--rm", "--mount", "type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=0710", img, "sh", "-c", "stat -c %a /t; df -k /t | tail -1").Stdout; !strings.HasPrefix(out, "710\n") || !strings.Contains(out, " 1024 ") {
		t.Errorf("tmpfs with size and mode: %q", out)
	}
	env.docker("run", "--rm", "--mount", "type=volume,src=labelled,dst=/v,volume-label=team=a,volume-nocopy", img, "true")
	defer env.Exec("docker", "volume", "rm", "-f", "labelled")
	if out := env.docker("volume", "inspect", "--format", "{{.Labels.team}}", "labelled").Stdout; out != "a\n" {
		t.Errorf("volume created by a mount with volume-label: labels %q", out)
	}
	missing := env.Path("made-by-create")
	code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=mkdir",
		`{"Image":"`+img+`","Cmd":["true"],"HostConfig":{"Mounts":[{"Type":"bind","Source":"`+missing+`","Target":"/m","BindOptions":{"CreateMountpoint":true}}]}}`)
	defer env.Exec("docker", "rm", "-f", "mkdir")
	if st, err := os.Stat(missing); code != "201" || err != nil || !st.IsDir() {
		t.Errorf("bind with CreateMountpoint: %s %s; source: %v", code, body, err)
	}
	// systempaths=unconfined: the CLI sends empty MaskedPaths and
	// ReadonlyPaths; /proc/interrupts is then readable.
	if out := env.docker("run", "--rm", img, "sh", "-c", "wc -c < /proc/interrupts").Stdout; strings.TrimSpace(out) != "0" {
		t.Errorf("default: /proc/interrupts has %s bytes, want it masked", out)
	}
	if out := env.docker("run", "--rm", "--security-opt", "systempaths=unconfined", img, "sh", "-c", "wc -c < /proc/interrupts").Stdout; strings.TrimSpace(out) == "0" {
		t.Errorf("systempaths=unconfined: /proc/interrupts still masked")
	}
	// ConsoleSize sets the terminal's first size.
	code, body = env.curl(svc.Sock, "POST", "/v1.44/containers/create?name=console",
		`{"Image":"`+img+`","Tty":true,"Cmd":["stty","size"],"HostConfig":{"ConsoleSize":[33,111]}}`)
	if code != "201" {
		t.Fatalf("create with ConsoleSize: %s %s", code, body)
	}
	defer env.Exec("docker", "rm", "-f", "console")
	env.docker("start", "console")
	env.docker("wait", "console")
	if out := env.docker("logs", "console").Stdout; strings.TrimSpace(out) != "33 111" {
		t.Errorf("ConsoleSize [33,111]: stty size %q", out)
	}
}

// TestAPICreateLinks: Links on a network both containers are on put the
// linked container in /etc/hosts under its alias; on the default
// network, where pm gives each container a network of its own, they are
// refused.
func TestAPICreateLinks(t *testing.T) {
	env, img := dockerBusybox(t)
	env.docker("network", "create", "linknet")
	defer env.Exec("docker", "network", "rm", "linknet")
	env.docker("run", "-d", "--name", "db", "--network", "linknet", img, "sleep", "300")
	defer env.Exec("docker", "rm", "-f", "db")
	ip := strings.TrimSpace(env.docker("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "db").Stdout)
	out := env.docker("run", "--rm", "--network", "linknet", "--link", "db:database", img, "cat", "/etc/hosts").Stdout
	if ip == "" || !strings.Contains(out, ip+"\tdatabase db ") {
		t.Errorf("/etc/hosts with --link db:database (db at %s):\n%s", ip, out)
	}
	env.dockerFails("nolink", "links need a bridge network", "create", "--name", "nolink", "--link", "db:database", img)
	env.dockerFails("nolink2", "could not get container for ghost", "create", "--name", "nolink2", "--network", "linknet", "--link", "ghost:g", img)
	// A linked container that stopped fails the start, as in Docker.
	env.docker("create", "--name", "linker", "--network", "linknet", "--link", "db", img, "true")
	defer env.Exec("docker", "rm", "-f", "linker")
	env.docker("stop", "-t", "0", "db")
	if r := env.Exec("docker", "start", "linker"); r.Code == 0 || !strings.Contains(r.Stderr, "Cannot link to a non running container") {
		t.Errorf("start with a stopped linked container: exit %d %s", r.Code, r.Stderr)
	}
}

// rawAttach attaches to a container over the socket with stdin, sends
// input, half-closes and returns the connection for reading.
func rawAttach(t *testing.T, sock, id string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "POST /v1.44/containers/%s/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: pm\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n", id)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("attach: %v %v", resp, err)
	}
	return c, br
}

// TestAPICreateStdinOnce: without StdinOnce (docker run -d -i) the end of
// an attached client's input leaves the container's stdin open for the
// next attach; with it (docker run -i) that end closes it.
func TestAPICreateStdinOnce(t *testing.T) {
	needTool(t, "docker")
	env := newEnv(t)
	svc := env.startService(nil, "--time", "0")
	img := env.Registry + "/busybox"
	env.docker("pull", "-q", img)
	t.Cleanup(func() { env.Exec("docker", "rmi", "-f", img) })

	id := strings.TrimSpace(env.docker("run", "-d", "-i", "--name", "cat", img, "cat").Stdout)
	defer env.Exec("docker", "rm", "-f", "cat")
	for _, line := range []string{"first", "second"} {
		c, br := rawAttach(t, svc.Sock, id)
		c.Write([]byte(line + "\n"))
		c.(*net.UnixConn).CloseWrite()
		// The multiplexed stream: an 8-byte header, then the line.
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		hdr := make([]byte, 8)
		if _, err := io.ReadFull(br, hdr); err != nil {
			t.Fatalf("reading the echo of %q: %v", line, err)
		}
		got := make([]byte, int(hdr[4])<<24|int(hdr[5])<<16|int(hdr[6])<<8|int(hdr[7]))
		io.ReadFull(br, got)
		c.Close()
		if string(got) != line+"\n" {
			t.Errorf("echo of %q: %q", line, got)
		}
	}
	if out := env.docker("inspect", "--format", "{{.Config.StdinOnce}} {{.State.Running}}", "cat").Stdout; out != "false true\n" {
		t.Errorf("after two attaches ended: StdinOnce, Running = %q, want false true", out)
	}
	// docker run -i: StdinOnce, the end of input ends cat.
	r := env.run(strings.NewReader("only\n"), "docker", "run", "-i", "--name", "once", img, "cat")
	defer env.Exec("docker", "rm", "-f", "once")
	if r.Code != 0 || r.Stdout != "only\n" {
		t.Errorf("docker run -i cat: exit %d, %q %s", r.Code, r.Stdout, r.Stderr)
	}
	if out := env.docker("inspect", "--format", "{{.Config.StdinOnce}}", "once").Stdout; out != "true\n" {
		t.Errorf("docker run -i: StdinOnce %q", out)
	}
}
