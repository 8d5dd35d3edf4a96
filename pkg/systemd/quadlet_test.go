package systemd

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeQuadlet(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// quadletSet writes files (name to text) into a new directory and
// converts them all; it fails the test on any error.
func quadletSet(t *testing.T, files map[string]string) (string, map[string]*UnitFile) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for name, text := range files {
		paths = append(paths, writeQuadlet(t, dir, name, text))
	}
	units, errs := QuadletUnits(paths, QuadletOptions{Executable: "/usr/bin/pm"})
	if len(errs) > 0 {
		t.Fatalf("QuadletUnits: %v", errs)
	}
	out := map[string]*UnitFile{}
	for _, u := range units {
		out[u.Name] = unitEntries(t, u.Text)
	}
	return dir, out
}

// execWords expands a unit's command as systemd would, for a unit named
// name.
func execWords(t *testing.T, f *UnitFile, key, name string) []string {
	t.Helper()
	v, ok := f.Lookup("Service", key)
	if !ok {
		t.Fatalf("no %s", key)
	}
	w, err := ExpandCommand(v, map[byte]string{'t': "/run/u", 'N': strings.TrimSuffix(name, ".service"), 'n': name})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func expectLookups(t *testing.T, name string, f *UnitFile, want [][3]string) {
	t.Helper()
	for _, c := range want {
		got := strings.Join(f.LookupAll(c[0], c[1]), " | ")
		if got != c[2] {
			t.Errorf("%s: %s %s = %q, want %q", name, c[0], c[1], got, c[2])
		}
	}
}

func TestQuadletContainer(t *testing.T) {
	t.Parallel()
	dir, units := quadletSet(t, map[string]string{"data.volume": "[Volume]\n", "web.container": `[Unit]
Description=The web server

[Container]
Image=busybox
Exec=httpd -f -p 8080 \
  -h /www
Environment=A=1 "B=two words"
PublishPort=127.0.0.1:8080:8080
Volume=data.volume:/data:Z
Volume=/srv:/srv:ro
Volume=./site:/site
Volume=/anon
Network=pasta
Label=app=web
PodmanArgs=--init
PmArgs=--tz=UTC
User=1000
Group=1000
WorkingDir=/www
AddCapability=CAP_NET_RAW CAP_CHOWN
NoNewPrivileges=true
ReadOnly=false
EnvironmentFile=env
ReloadSignal=SIGHUP
StopTimeout=3
StopTimeout=4

[Service]
Restart=always

[Install]
WantedBy=default.target multi-user.target
`})
	u := units["web.service"]
	if u == nil {
		t.Fatalf("units: %v", units)
	}
	got := execWords(t, u, "ExecStart", "web.service")
	want := []string{"/usr/bin/pm", "run", "--name=systemd-web", "--cidfile=/run/u/web.cid", "--replace", "--rm",
		"--cgroups=split", "--sdnotify=conmon", "-d", "--env", "A=1", "--env", "B=two words",
		"--publish", "127.0.0.1:8080:8080", "--label", "app=web", "--workdir", "/www",
		"--cap-add", "CAP_NET_RAW", "--cap-add", "CAP_CHOWN", "--security-opt", "no-new-privileges",
		"--read-only=false", "--env-file", filepath.Join(dir, "env"), "--stop-timeout", "4",
		"--user", "1000:1000",
		"-v", "systemd-data:/data:Z", "-v", "/srv:/srv:ro", "-v", filepath.Join(dir, "site") + ":/site", "-v", "/anon",
		"--network", "pasta", "--init", "--tz=UTC",
		"busybox", "httpd", "-f", "-p", "8080", "-h", "/www"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExecStart =\n%q\nwant\n%q", got, want)
	}
	if r := execWords(t, u, "ExecReload", "web.service"); strings.Join(r, " ") != "/usr/bin/pm kill --signal SIGHUP systemd-web" {
		t.Errorf("ExecReload = %q", r)
	}
	expectLookups(t, "web", u, [][3]string{
		{"Unit", "Description", "The web server"},
		{"Unit", "SourcePath", filepath.Join(dir, "web.container")},
		{"Unit", "Requires", "data-volume.service"},
		{"Unit", "After", "network-online.target | data-volume.service"},
		{"Unit", "RequiresMountsFor", "/srv | " + filepath.Join(dir, "site")},
		{"Service", "Type", "notify"},
		{"Service", "KillMode", "mixed"},
		{"Service", "Restart", "always"},
		{"X-Container", "Image", "busybox"},
		{"Install", "WantedBy", "default.target multi-user.target"},
	})
	links, err := InstallLinks(Unit{Name: "web.service", Text: u.String()})
	if err != nil || !reflect.DeepEqual(links, map[string][]string{"default.target.wants": {"web.service"}, "multi-user.target.wants": {"web.service"}}) {
		t.Errorf("InstallLinks = %v, %v", links, err)
	}
}

// TestQuadletReferences: files that name each other become units that
// require each other, and the names Podman gives the objects are used.
func TestQuadletReferences(t *testing.T) {
	t.Parallel()
	dir, units := quadletSet(t, map[string]string{
		"db.network":    "[Network]\nNetworkName=backend\nSubnet=10.99.0.0/24\nGateway=10.99.0.1\n",
		"front.network": "[Network]\nInternal=true\nLabel=a=b\nNetworkDeleteOnStop=true\n",
		"base.image":    "[Image]\nImage=localhost/base:1\nTLSVerify=false\nAllTags=no\n",
		"data.volume":   "[Volume]\nVolumeName=mydata\nLabel=k=v\n",
		"app.pod":       "[Pod]\nNetwork=db.network\nPublishPort=8080:80\nStopTimeout=3\nServiceName=mypod\n",
		"web.container": `[Unit]
Requires=helper.container
After=helper.container other.service

[Container]
Image=base.image
Pod=app.pod
Volume=data.volume:/data
Mount=type=volume,source=data.volume,destination=/m
`,
		"helper.container": "[Container]\nImage=busybox\nNetwork=front.network:alias=h\nContainerName=helper\n",
		"side.container":   "[Container]\nImage=busybox\nNetwork=helper.container\n",
		"late.container":   "[Container]\nImage=busybox\nPod=app.pod\nStartWithPod=false\n",
		"k.kube":           "[Kube]\nYaml=play.yaml\nPublishPort=8080:80\nAutoUpdate=registry\nKubeDownForce=true\nSetWorkingDirectory=yaml\nNetwork=db.network\nConfigMap=cm.yaml\nExitCodePropagation=any\n",
	})
	web, pod, kube := units["web.service"], units["mypod.service"], units["k.service"]
	if web == nil || pod == nil || kube == nil || len(units) != 10 {
		t.Fatalf("units: %v", units)
	}
	expectLookups(t, "web", web, [][3]string{
		{"Unit", "Requires", "helper.service | base-image.service | data-volume.service"},
		{"Unit", "After", "network-online.target | helper.service other.service | base-image.service | data-volume.service | mypod.service"},
		{"Unit", "BindsTo", "mypod.service"},
	})
	for name, want := range map[string]string{
		"web.service": "/usr/bin/pm run --name=systemd-web --cidfile=/run/u/web.cid --replace --rm --cgroups=split --sdnotify=conmon -d " +
			"-v mydata:/data --mount type=volume,source=mydata,destination=/m --pod systemd-app localhost/base:1",
		"helper.service": "/usr/bin/pm run --name=helper --cidfile=/run/u/helper.cid --replace --rm --cgroups=split --sdnotify=conmon -d " +
			"--network systemd-front:alias=h busybox",
		"side.service": "/usr/bin/pm run --name=systemd-side --cidfile=/run/u/side.cid --replace --rm --cgroups=split --sdnotify=conmon -d " +
			"--network container:helper busybox",
		"db-network.service":    "/usr/bin/pm network create --ignore --subnet 10.99.0.0/24 --gateway 10.99.0.1 backend",
		"front-network.service": "/usr/bin/pm network create --ignore --internal --label a=b systemd-front",
		"base-image.service":    "/usr/bin/pm image pull --tls-verify=false localhost/base:1",
		"data-volume.service":   "/usr/bin/pm volume create --ignore --label k=v mydata",
		"mypod.service":         "/usr/bin/pm pod start systemd-app",
		"k.service": "/usr/bin/pm kube play --replace --service-container=true --service-exit-code-propagation=any " +
			"--publish 8080:80 --network backend --annotation io.containers.autoupdate=registry --configmap " +
			filepath.Join(dir, "cm.yaml") + " " + filepath.Join(dir, "play.yaml"),
	} {
		if got := strings.Join(execWords(t, units[name], "ExecStart", name), " "); got != want {
			t.Errorf("%s ExecStart =\n%s\nwant\n%s", name, got, want)
		}
	}
	for _, c := range []struct{ unit, key, want string }{
		{"mypod.service", "ExecStartPre", "/usr/bin/pm pod create --infra-conmon-pidfile=/run/u/mypod.pid --replace --exit-policy stop " +
			"--publish 8080:80 --network backend --infra-name systemd-app-infra --name systemd-app"},
		{"mypod.service", "ExecStop", "/usr/bin/pm pod stop --ignore --time=3 systemd-app"},
		{"mypod.service", "ExecStopPost", "/usr/bin/pm pod rm --ignore --force systemd-app"},
		{"front-network.service", "ExecStopPost", "/usr/bin/pm network rm systemd-front"},
		{"k.service", "ExecStopPost", "/usr/bin/pm kube down --force " + filepath.Join(dir, "play.yaml")},
	} {
		if got := strings.Join(execWords(t, units[c.unit], c.key, c.unit), " "); got != c.want {
			t.Errorf("%s %s =\n%s\nwant\n%s", c.unit, c.key, got, c.want)
		}
	}
	expectLookups(t, "pod", pod, [][3]string{
		{"Unit", "Wants", "network-online.target | web.service"},
		{"Unit", "Before", "web.service"},
		{"Unit", "Requires", "db-network.service"},
		{"Service", "Type", "forking"},
		{"Service", "PIDFile", "%t/%N.pid"},
	})
	expectLookups(t, "kube", kube, [][3]string{
		{"Service", "Type", "notify"},
		{"Service", "NotifyAccess", "all"},
		{"Service", "KillMode", "mixed"},
		{"Service", "WorkingDirectory", dir},
	})
	expectLookups(t, "late", units["late.service"], [][3]string{{"Unit", "BindsTo", "mypod.service"}})
	for _, n := range []string{"db-network.service", "base-image.service", "data-volume.service"} {
		expectLookups(t, n, units[n], [][3]string{{"Service", "Type", "oneshot"}, {"Service", "RemainAfterExit", "yes"}})
	}
}

func TestQuadletVolume(t *testing.T) {
	t.Parallel()
	p := writeQuadlet(t, t.TempDir(), "data.volume", "[Volume]\nLabel=a=b\n")
	units, errs := QuadletUnits([]string{p}, QuadletOptions{Executable: "/usr/bin/pm"})
	if len(errs) > 0 || len(units) != 1 {
		t.Fatal(errs)
	}
	u := units[0]
	f := unitEntries(t, u.Text)
	if v := strings.Join(execWords(t, f, "ExecStart", u.Name), " "); u.Name != "data-volume.service" || v != "/usr/bin/pm volume create --ignore --label a=b systemd-data" {
		t.Errorf("%s ExecStart = %q", u.Name, v)
	}
	if v, _ := f.Lookup("Service", "Type"); v != "oneshot" {
		t.Errorf("Type = %q", v)
	}
}

func TestQuadletErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct{ name, text, want string }{
		{"a.container", "[Container]\nImage=busybox\nFrobnicate=yes\n", `unsupported key "Frobnicate" in group [Container]`},
		{"b.container", "[Container]\nExec=true\n", "no Image key specified"},
		{"c.container", "[Unit]\nDescription=x\n", "no [Container] group"},
		{"d.container", "[Container]\nImage=busybox\nEnvironment=\"A=1\n", "unterminated quote"},
		{"e.container", "[Container]\nImage=busybox\nVolume=:/only\n", "invalid Volume"},
		{"f.volume", "[Volume]\nSize=1G\n", `unsupported key "Size"`},
		{"g.container", "[Container]\nImage=busybox\nNotify=maybe\n", "invalid Notify"},
		{"h.container", "[Container]\nImage=busybox\nRootfs=/x\n", `key "Rootfs" in group [Container] is not supported by pm`},
		{"i.container", "[Container]\nImage=busybox\nNetwork=nosuch.network\n", "nosuch.network: no such quadlet file"},
		{"j.container", "[Container]\nImage=nosuch.image\n", "nosuch.image: no such quadlet file"},
		{"k.container", "[Container]\nImage=busybox\nPod=other\n", "not a .pod quadlet file"},
		{"l.container", "[Unit]\nWants=nosuch.volume\n[Container]\nImage=busybox\n", "dependency on nosuch.volume"},
		{"m.container", "[Container]\nImage=busybox\nReloadCmd=x\nReloadSignal=HUP\n", "cannot both be set"},
		{"n.container", "[Container]\nImage=busybox\n[Service]\nType=simple\n", "invalid service Type"},
		{"o.container", "[Container]\nImage=busybox\n[Service]\nKillMode=none\n", "invalid KillMode"},
		{"p.container", "[Container]\nImage=busybox\n[Service]\nUser=nobody\n", `key "User" in group [Service] is not supported`},
		{"q.container", "[Container]\nImage=busybox\nNotify=healthy\n", "Notify=healthy is not supported by pm"},
		{"r.container", "[Container]\nImage=b.build\n", ".build files are not supported by pm"},
		{"s.container", "[Container]\nImage=busybox\nReadOnly=perhaps\n", "invalid ReadOnly"},
		{"t.container", "[Container]\nImage=busybox\n[Quadlet]\nFoo=1\n", `unsupported key "Foo" in group [Quadlet]`},
		{"a.network", "[Network]\nSubnet=10.1.0.0/24\nSubnet=10.2.0.0/24\n", "more than one Subnet"},
		{"b.network", "[Network]\nGateway=10.1.0.1\n", "need a Subnet"},
		{"c.network", "[Network]\nIPv6=true\n", `key "IPv6" in group [Network] is not supported by pm`},
		{"a.image", "[Image]\nArch=arm64\n", "no Image key specified"},
		{"b.image", "[Image]\nImage=x\nPolicy=always\n", "not supported by pm"},
		{"a.pod", "[Pod]\nVolume=/a:/b\n", `key "Volume" in group [Pod] is not supported by pm`},
		{"a.kube", "[Kube]\nPublishPort=80\n", "no Yaml key specified"},
		{"b.kube", "[Kube]\nYaml=a.yaml\nYaml=b.yaml\n", "more than one Yaml"},
		{"c.kube", "[Kube]\nYaml=a.yaml\nExitCodePropagation=some\n", "invalid ExitCodePropagation"},
		{"d.kube", "[Kube]\nYaml=a.yaml\nSetWorkingDirectory=home\n", "invalid SetWorkingDirectory"},
		{"b.volume", "[Volume]\nDriver=image\n", "Driver=image is not supported by pm"},
	} {
		p := writeQuadlet(t, dir, tc.name, tc.text)
		_, errs := QuadletUnits([]string{p}, QuadletOptions{Executable: "/usr/bin/pm"})
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) || !strings.Contains(errs[0].Error(), p) {
			t.Errorf("%s: errs = %v, want %q naming the file", tc.name, errs, tc.want)
		}
	}
}

func TestQuadletDirs(t *testing.T) {
	t.Parallel()
	if d := QuadletDirs(true, 1000, "/run/user/1000", "/h/.config", ""); !reflect.DeepEqual(d, []string{"/run/user/1000/containers/systemd", "/h/.config/containers/systemd", "/etc/containers/systemd/users/1000", "/etc/containers/systemd/users"}) {
		t.Errorf("user dirs = %q", d)
	}
	if d := QuadletDirs(false, 0, "", "", ""); !reflect.DeepEqual(d, []string{"/run/containers/systemd", "/etc/containers/systemd", "/usr/share/containers/systemd"}) {
		t.Errorf("root dirs = %q", d)
	}
	if d := QuadletDirs(true, 1000, "", "/h", "/a::/b"); !reflect.DeepEqual(d, []string{"/a", "/b"}) {
		t.Errorf("override = %q", d)
	}
	a, b := t.TempDir(), t.TempDir()
	writeQuadlet(t, a, "x.container", "")
	writeQuadlet(t, b, "x.container", "")
	writeQuadlet(t, b, "sub/y.volume", "")
	writeQuadlet(t, b, "z.txt", "")
	writeQuadlet(t, b, "n.network", "")
	got, err := FindQuadlets([]string{a, b, filepath.Join(b, "missing")})
	want := []string{filepath.Join(a, "x.container"), filepath.Join(b, "n.network"), filepath.Join(b, "sub/y.volume")}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("FindQuadlets = %q, %v; want %q", got, err, want)
	}
}

func TestQuadletSecurityKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := writeQuadlet(t, dir, "sec.container", `[Container]
Image=busybox
SeccompProfile=/etc/pm/deny.json
NoNewPrivileges=true
Mask=/proc/a:/proc/b
Unmask=ALL
SecurityLabelDisable=yes
SecurityLabelType=spc_t
SecurityLabelNested=false
`)
	u, err := quadletUnit1(p)
	if err != nil {
		t.Fatal(err)
	}
	f := unitEntries(t, u.Text)
	start, _ := f.Lookup("Service", "ExecStart")
	got, err := ExpandCommand(start, map[byte]string{'t': "/run/u", 'N': "sec"})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(got, " ")
	for _, want := range []string{
		"--security-opt seccomp=/etc/pm/deny.json", "--security-opt mask=/proc/a:/proc/b",
		"--security-opt unmask=ALL", "--security-opt label=type:spc_t",
		"--security-opt no-new-privileges", "--security-opt label=disable",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("ExecStart lacks %q: %s", want, joined)
		}
	}
	if strings.Contains(joined, "nested") {
		t.Errorf("SecurityLabelNested=false still nests: %s", joined)
	}
	for _, bad := range []struct{ text, msg string }{
		{"Mask=proc/a", "absolute paths"},
		{"NoNewPrivileges=perhaps", "invalid NoNewPrivileges"},
		{"SecurityLabelLevel=", ""},
	} {
		p := writeQuadlet(t, dir, "bad.container", "[Container]\nImage=busybox\n"+bad.text+"\n")
		_, err := quadletUnit1(p)
		if bad.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", bad.text, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%s: got %v, want an error with %q", bad.text, err, bad.msg)
		}
	}
}

// quadletUnit1 converts the one quadlet file at p.
func quadletUnit1(p string) (Unit, error) {
	units, errs := QuadletUnits([]string{p}, QuadletOptions{Executable: "/usr/bin/pm"})
	if len(errs) > 0 {
		return Unit{}, errs[0]
	}
	return units[0], nil
}
