package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEventsImageIDAndTarget: image events carry the image's ID and, as
// name, the action's target, as Podman's: the destination pushed to, the
// archive saved or loaded, the tag added or removed. A failed tag or
// untag records nothing.
func TestEventsImageIDAndTarget(t *testing.T) {
	env := newEnv(t)
	img := registry + "/busybox"
	id := env.pull(img)
	dir := filepath.Join(env.Dir, "pushed")
	tarball := filepath.Join(env.Dir, "ball.tar")
	env.PMOK("push", "-q", img, "dir:"+dir)
	env.PMOK("save", "-q", "-o", tarball, img)
	env.PMOK("tag", img, "registry.com/evtag")
	env.PMOK("untag", img, "registry.com/evtag")
	env.PM("untag", img, "registry.com/nosuchtag").ExpectError(t, 125, "tag not known")
	env.PM("tag", img, "Bad Name").ExpectError(t, 125, "invalid")
	env.PMOK("load", "-q", "-i", tarball)
	env.PMOK("pull", "-q", "docker-archive:"+tarball)
	env.PMOK("rmi", "-f", id)

	got := env.events("{{.Status}}--{{.ID}}--{{.Name}}", "type=image")
	want := []string{
		"pull--" + id + "--" + img,
		"push--" + id + "--dir:" + dir,
		"save--" + id + "--" + tarball,
		"tag--" + id + "--registry.com/evtag",
		"untag--" + id + "--registry.com/evtag:latest",
		"loadfromarchive----" + tarball,
		"pull--" + id + "--docker-archive:" + tarball,
		"untag--" + id + "--" + img + ":latest",
		"remove--" + id + "--" + id,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("image events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The default line: ID then target, as Podman's.
	lines := env.PMOK("events", "--stream=false", "--filter", "type=image", "--filter", "event=tag").Lines()
	if len(lines) != 1 || !strings.HasSuffix(lines[0], " image tag "+id+" registry.com/evtag") {
		t.Errorf("default tag line: %q", lines)
	}
	lines = env.PMOK("events", "--stream=false", "--no-trunc=false", "--filter", "type=image", "--filter", "event=save").Lines()
	if len(lines) != 1 || !strings.HasSuffix(lines[0], " image save "+id[:12]+" "+tarball) {
		t.Errorf("default save line with --no-trunc=false: %q", lines)
	}
	var ev map[string]any
	js := env.events("json", "type=image", "event=untag")
	if len(js) != 2 {
		t.Fatalf("untag events as JSON: %q", js)
	}
	decodeJSON(t, js[0], &ev)
	if ev["ID"] != id || ev["Name"] != "registry.com/evtag:latest" || ev["Status"] != "untag" || ev["Type"] != "image" {
		t.Errorf("untag event as JSON: %s", js[0])
	}
}

// TestEventsLogfilePath: containers.conf's events_logfile_path places the
// journal; its rotation keeps the newest lines byte for byte, nanoseconds
// and all. pm writes Podman's format and reads an older pm's. A path
// that cannot be written fails no command.
func TestEventsLogfilePath(t *testing.T) {
	env := newEnv(t)
	journal := filepath.Join(env.Dir, "my-events.log")
	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	write := func(path string) {
		t.Helper()
		s := fmt.Sprintf("[engine]\nevents_logfile_path = %q\nevents_logfile_max_size = \"4k\"\n", path)
		if err := os.WriteFile(conf, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(journal)
	var old []string
	for i := 0; i < 40; i++ {
		old = append(old, fmt.Sprintf(`{"type":"volume","action":"create","id":"old%02d","name":"old%02d","timeNano":16492372027236679%02d}`, i, i, i))
	}
	if err := os.WriteFile(journal, []byte(strings.Join(old, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if isRoot {
		if err := os.Chown(journal, env.User.UID, env.User.GID); err != nil {
			t.Fatal(err)
		}
	}
	env.PMOK("volume", "create", "vnew")
	for i := 0; i < 20 && !strings.Contains(readFile(t, journal), "log-rotation"); i++ {
		env.PMOK("volume", "create", fmt.Sprintf("fill%d", i))
	}
	data := readFile(t, journal)
	if !strings.Contains(data, `"log-rotation"`) {
		t.Fatalf("journal at events_logfile_path not rotated:\n%s", data)
	}
	if strings.Contains(data, old[0]+"\n") || !strings.Contains(data, old[len(old)-1]+"\n") {
		t.Errorf("rotation did not keep the newest lines verbatim:\n%s", data)
	}
	// pm writes Podman's keys; the lines above, an older pm's, still read.
	if !regexpMatch(`\{[^\n]*"Name":"vnew","Status":"create","Time":"[^"\n]+","Type":"volume"`, data) {
		t.Errorf("journal lines are not in Podman's format:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(env.RuntimeDir, "pm", "events", "events.log")); !os.IsNotExist(err) {
		t.Errorf("the default journal was written too: %v", err)
	}
	got := env.events("{{.Name}} {{.TimeNano}}", "type=volume", "volume="+fmt.Sprintf("old%02d", len(old)-1))
	if len(got) != 1 || got[0] != fmt.Sprintf("old%02d 16492372027236679%02d", len(old)-1, len(old)-1) {
		t.Errorf("old event read back: %q", got)
	}

	// Bad input: a journal under a regular file cannot be written; the
	// command still works.
	write(filepath.Join(journal, "sub", "events.log"))
	env.PMOK("volume", "create", "vbad")
	env.PMOK("volume", "inspect", "vbad")
}

// TestEventsRotationOversized: a journal already twice its cap (Podman's
// lines, written by another program) keeps, at the next event, the events
// that start past its middle, then the log-rotation event and the new
// one, all of which pm events reads back.
func TestEventsRotationOversized(t *testing.T) {
	env := newEnv(t)
	journal := filepath.Join(env.Dir, "events.txt")
	var b strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, `{"Name":"busybox","Status":"pull","Time":"2022-04-06T11:26:42.7236679%02d+02:00","Type":"image","Attributes":null}`+"\n", i)
	}
	if err := os.WriteFile(journal, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if isRoot {
		if err := os.Chown(journal, env.User.UID, env.User.GID); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(env.ConfigHome, "containers", "containers.conf")
	s := fmt.Sprintf("[engine]\nevents_logger = \"file\"\nevents_logfile_path = %q\nevents_logfile_max_size = %d\n", journal, b.Len()/2)
	if err := os.WriteFile(conf, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	env.PMOK("volume", "create", "vrot")
	got := env.PMOK("events", "--stream=false", "--since", "2022-03-06T11:26:42.723667984+02:00",
		"--format", "{{.Type}} {{.Status}} {{.Name}}").Lines()
	var want []string
	for i := 51; i < 100; i++ {
		want = append(want, "image pull busybox")
	}
	want = append(want, "system log-rotation "+journal, "volume create vrot")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events after rotation (%d):\n%s\nwant (%d):\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
	}
	data := readFile(t, journal)
	if !strings.HasPrefix(data, `{"Name":"busybox","Status":"pull","Time":"2022-04-06T11:26:42.723667951+02:00"`) {
		t.Errorf("journal does not start with the event after its middle:\n%s", data)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
