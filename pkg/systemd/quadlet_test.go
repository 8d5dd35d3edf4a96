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

func TestQuadletContainer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := writeQuadlet(t, dir, "web.container", `[Unit]
Description=The web server

[Container]
Image=busybox
Exec=httpd -f -p 8080 \
  -h /www
Environment=A=1 "B=two words"
PublishPort=127.0.0.1:8080:8080
Volume=data.volume:/data:Z
Volume=/srv:/srv:ro
Network=pasta
Label=app=web
PodmanArgs=--init
PmArgs=--tz=UTC
User=1000
Group=1000
WorkingDir=/www

[Service]
Restart=always

[Install]
WantedBy=default.target multi-user.target
`)
	u, err := QuadletUnit(p, QuadletOptions{Executable: "/usr/bin/pm"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "web.service" {
		t.Errorf("name = %q", u.Name)
	}
	f := unitEntries(t, u.Text)
	start, _ := f.Lookup("Service", "ExecStart")
	got, err := ExpandCommand(start, map[byte]string{'t': "/run/u", 'N': "web"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/usr/bin/pm", "run", "--name=systemd-web", "--cidfile=/run/u/web.cid", "--replace", "--rm",
		"--cgroups=split", "--sdnotify=conmon", "-d", "-e", "A=1", "-e", "B=two words", "--label", "app=web",
		"--publish", "127.0.0.1:8080:8080", "-v", "systemd-data:/data:Z", "-v", "/srv:/srv:ro",
		"--network", "pasta", "--user", "1000:1000", "-w", "/www", "--init", "--tz=UTC",
		"busybox", "httpd", "-f", "-p", "8080", "-h", "/www"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExecStart =\n%q\nwant\n%q", got, want)
	}
	for _, c := range []struct{ section, key, want string }{
		{"Unit", "Description", "The web server"},
		{"Unit", "SourcePath", p},
		{"Unit", "Requires", "data-volume.service"},
		{"Service", "Type", "notify"},
		{"Service", "Restart", "always"},
		{"X-Container", "Image", "busybox"},
		{"Install", "WantedBy", "default.target multi-user.target"},
	} {
		if v, _ := f.Lookup(c.section, c.key); v != c.want {
			t.Errorf("%s %s = %q, want %q", c.section, c.key, v, c.want)
		}
	}
	links, err := InstallLinks(u)
	if err != nil || !reflect.DeepEqual(links, map[string][]string{"default.target.wants": {"web.service"}, "multi-user.target.wants": {"web.service"}}) {
		t.Errorf("InstallLinks = %v, %v", links, err)
	}
}

func TestQuadletVolume(t *testing.T) {
	t.Parallel()
	p := writeQuadlet(t, t.TempDir(), "data.volume", "[Volume]\nLabel=a=b\n")
	u, err := QuadletUnit(p, QuadletOptions{Executable: "/usr/bin/pm"})
	if err != nil {
		t.Fatal(err)
	}
	f := unitEntries(t, u.Text)
	if v, _ := f.Lookup("Service", "ExecStart"); u.Name != "data-volume.service" || v != "/usr/bin/pm volume create --ignore --label a=b systemd-data" {
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
		{"e.container", "[Container]\nImage=busybox\nVolume=/only\n", "invalid Volume"},
		{"f.volume", "[Volume]\nSize=1G\n", `unsupported key "Size"`},
		{"g.container", "[Container]\nImage=busybox\nNotify=maybe\n", "invalid Notify"},
	} {
		p := writeQuadlet(t, dir, tc.name, tc.text)
		_, err := QuadletUnit(p, QuadletOptions{Executable: "/usr/bin/pm"})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want %q naming the file", tc.name, err, tc.want)
		}
	}
}

func TestQuadletDirs(t *testing.T) {
	t.Parallel()
	if d := QuadletDirs(true, 1000, "/h/.config", ""); !reflect.DeepEqual(d, []string{"/h/.config/containers/systemd", "/etc/containers/systemd/users/1000", "/etc/containers/systemd/users"}) {
		t.Errorf("user dirs = %q", d)
	}
	if d := QuadletDirs(false, 0, "", ""); d[0] != "/etc/containers/systemd" {
		t.Errorf("root dirs = %q", d)
	}
	if d := QuadletDirs(true, 1000, "/h", "/a::/b"); !reflect.DeepEqual(d, []string{"/a", "/b"}) {
		t.Errorf("override = %q", d)
	}
	a, b := t.TempDir(), t.TempDir()
	writeQuadlet(t, a, "x.container", "")
	writeQuadlet(t, b, "x.container", "")
	writeQuadlet(t, b, "sub/y.volume", "")
	writeQuadlet(t, b, "z.txt", "")
	got, err := FindQuadlets([]string{a, b, filepath.Join(b, "missing")})
	want := []string{filepath.Join(a, "x.container"), filepath.Join(b, "sub/y.volume")}
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
	u, err := QuadletUnit(p, QuadletOptions{Executable: "/usr/bin/pm"})
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
		_, err := QuadletUnit(p, QuadletOptions{Executable: "/usr/bin/pm"})
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
