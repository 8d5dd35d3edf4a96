package engine

import (
	"errors"
	"io/fs"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestParseHealthcheck(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want define.HealthConfig
	}{
		{"CMD true", define.HealthConfig{Test: []string{"CMD-SHELL", "true"}}},
		{`CMD ["/bin/check", "-q"]`, define.HealthConfig{Test: []string{"CMD", "/bin/check", "-q"}}},
		{"cmd  test -f /x && echo ok", define.HealthConfig{Test: []string{"CMD-SHELL", "test -f /x && echo ok"}}},
		{"NONE", define.HealthConfig{Test: []string{"NONE"}}},
		{"--interval=5s --timeout=2s --start-period=1m --start-interval=500ms --retries=4 CMD true",
			define.HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: 5 * time.Second, Timeout: 2 * time.Second,
				StartPeriod: time.Minute, StartInterval: 500 * time.Millisecond, Retries: 4}},
		{"--interval=0 CMD true", define.HealthConfig{Test: []string{"CMD-SHELL", "true"}}},
	}
	for _, tt := range good {
		got, err := parseHealthcheck(tt.in)
		if err != nil || !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("parseHealthcheck(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	bad := map[string]string{
		"":                          "needs CMD",
		"CMD":                       "needs a command",
		"CMD []":                    "needs a command",
		"NONE true":                 "NONE takes no command",
		"--interval=5s NONE":        "NONE takes no command",
		"RUN true":                  `unknown type "RUN"`,
		"--interval=bogus CMD true": "invalid --interval=bogus",
		"--timeout=-1s CMD true":    "invalid --timeout=-1s",
		"--interval=10us CMD true":  "at least 1ms",
		"--retries=0 CMD true":      "invalid --retries=0",
		"--retries=x CMD true":      "invalid --retries=x",
		"--color=red CMD true":      "unknown option --color",
		"--interval CMD true":       "--interval needs a value",
	}
	for in, want := range bad {
		_, err := parseHealthcheck(in)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("parseHealthcheck(%q) = %v, want an invalid-argument error with %q", in, err, want)
		}
	}
}

func TestParseCopyArgs(t *testing.T) {
	t.Parallel()
	mode := fs.FileMode(0o640)
	good := []struct {
		kind, in string
		want     copyArgs
	}{
		{"COPY", "a b /dst/", copyArgs{srcs: []string{"a", "b"}, dst: "/dst/"}},
		{"COPY", "--chown=app:staff --chmod=640 f /f", copyArgs{chown: "app:staff", chmod: &mode, srcs: []string{"f"}, dst: "/f"}},
		{"COPY", `--from=build ["/out dir/x", "/y"]`, copyArgs{from: "build", srcs: []string{"/out dir/x"}, dst: "/y"}},
		{"ADD", "--checksum=sha256:" + strings.Repeat("ab", 32) + " http://h/f /f",
			copyArgs{checksum: "sha256:" + strings.Repeat("ab", 32), srcs: []string{"http://h/f"}, dst: "/f"}},
		{"COPY", "--chmod=$MODE f /f", copyArgs{srcs: []string{"f"}, dst: "/f"}},
	}
	for _, tt := range good {
		got, err := parseCopyArgs(tt.kind, tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseCopyArgs(%s %q) = %+v, %v; want %+v", tt.kind, tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ kind, in, want string }{
		{"COPY", "f", "needs a source and a destination"},
		{"COPY", "--chmod=999 f /f", "invalid --chmod=999"},
		{"COPY", "--chmod=u+x f /f", "invalid --chmod=u+x"},
		{"COPY", "--chmod=17777 f /f", "invalid --chmod=17777"},
		{"COPY", "--chown= f /f", "--chown needs a value"},
		{"COPY", "--link f /f", "--link is not supported"},
		{"COPY", "--bogus=1 f /f", "unknown option --bogus"},
		{"ADD", "--from=x f /f", "ADD does not take --from"},
		{"COPY", "--checksum=sha256:00 f /f", "COPY does not take --checksum"},
		{"ADD", "--checksum=md5 http://h/f /f", "invalid --checksum=md5"},
	}
	for _, tt := range bad {
		_, err := parseCopyArgs(tt.kind, tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseCopyArgs(%s %q) = %v, want an error with %q", tt.kind, tt.in, err, tt.want)
		}
	}
}

func TestShellOnBuildChecks(t *testing.T) {
	t.Parallel()
	if sh, err := parseShell(`["/bin/bash", "-eu", "-c"]`); err != nil || !reflect.DeepEqual(sh, []string{"/bin/bash", "-eu", "-c"}) {
		t.Errorf("parseShell = %q, %v", sh, err)
	}
	for _, in := range []string{"/bin/sh -c", "[]", `["", "-c"]`, `['/bin/sh']`} {
		if _, err := parseShell(in); err == nil {
			t.Errorf("parseShell(%q) took it", in)
		}
	}
	if tr, err := parseOnBuild("RUN echo hi"); err != nil || tr != "RUN echo hi" {
		t.Errorf("parseOnBuild = %q, %v", tr, err)
	}
	for in, want := range map[string]string{"ONBUILD RUN x": "ONBUILD ONBUILD", "from x": "FROM is not allowed",
		"MAINTAINER me": "MAINTAINER is not allowed", "BOGUS x": "unknown instruction BOGUS", "": "needs an instruction"} {
		if _, err := parseOnBuild(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseOnBuild(%q) = %v, want %q", in, err, want)
		}
	}
	for _, st := range []buildStep{{Cmd: "RUN", Args: "--mount=type=cache,target=/c make"}, {Cmd: "RUN", Args: "--network=none true"}} {
		if err := checkStep(st); err == nil || !strings.Contains(err.Error(), "is not supported") || strings.Contains(err.Error(), "=") {
			t.Errorf("checkStep(%v) = %v", st, err)
		}
	}
}

func TestBuildVolumes(t *testing.T) {
	t.Parallel()
	var warned []string
	b := &builder{buildState: &buildState{req: &BuildRequest{Warn: func(m string) { warned = append(warned, m) }}}}
	for in, want := range map[string][]string{
		`["/a", "/b c"]`: {"/a", "/b c"},
		"/a /b":          {"/a", "/b"},
		"['/a', '/b']":   {"[/a,", "/b]"},
		`"/a" '/b' /c\d`: {"/a", "/b", "/cd"},
	} {
		got, err := b.volumes(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("volumes(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "not a JSON array") {
		t.Errorf("warnings: %q, want one for the single-quoted array", warned)
	}
	for _, in := range []string{"", "[]", `["/a", " "]`} {
		if _, err := b.volumes(in); err == nil {
			t.Errorf("volumes(%q) took it", in)
		}
	}
}

func TestCopyItemRename(t *testing.T) {
	t.Parallel()
	dir := copyItem{dir: "/app"}
	file := copyItem{top: "f.txt", target: "/etc/conf"}
	for _, tt := range []struct {
		it        copyItem
		in, want  string
		wantDrops bool
	}{
		{dir, "./", "", true},
		{dir, "sub/x", "app/sub/x", false},
		{dir, "../../etc/passwd", "app/etc/passwd", false},
		{file, "f.txt", "etc/conf", false},
		{file, "f.txt/inner", "etc/conf/inner", false},
		{file, "other", "", true},
	} {
		got, ok := tt.it.rename(tt.in)
		if got != tt.want || ok == tt.wantDrops {
			t.Errorf("%+v.rename(%q) = %q, %v; want %q", tt.it, tt.in, got, ok, tt.want)
		}
	}
}

func TestFromArgsPlatform(t *testing.T) {
	t.Parallel()
	host := runtime.GOOS + "/" + runtime.GOARCH
	for _, in := range []string{"--platform=" + host + " busybox AS b", "--platform=$BUILDPLATFORM busybox", "--platform= busybox"} {
		if _, _, err := fromArgs(in); err != nil {
			t.Errorf("fromArgs(%q) = %v", in, err)
		}
	}
	for in, want := range map[string]string{"--platform=plan9/mips busybox": "this host's platform only", "--bogus busybox": "unknown option --bogus"} {
		if _, _, err := fromArgs(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("fromArgs(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestStageDeps(t *testing.T) {
	t.Parallel()
	steps, err := parseDockerfile("FROM busybox AS a\nRUN x\nFROM busybox AS b\nFROM a AS c\nCOPY --from=b /x /x\n" +
		"FROM busybox\nCOPY --from=0 /y /y\nCOPY --from=busybox /z /z\nFROM busybox\nCOPY --from=$S /w /w\n")
	if err != nil {
		t.Fatal(err)
	}
	_, stages, err := splitStages(steps)
	if err != nil {
		t.Fatal(err)
	}
	got := stageDeps(stages, len(stages)-1)
	for i := range got {
		slices.Sort(got[i])
	}
	want := [][]int{nil, nil, {0, 1}, {0}, {0, 1, 2, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stageDeps = %v, want %v", got, want)
	}
}

func TestParseDockerfileSyntax(t *testing.T) {
	t.Parallel()
	steps, err := parseDockerfile("# syntax=docker/dockerfile:1\n# escape=\\\nFROM\tbusybox\nARG A=1 B=\"x y\" C\nRUN echo \\\n  hi\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 3 || steps[0].Cmd != "FROM" || steps[0].Args != "busybox" || steps[2].Args != "echo  hi" {
		t.Errorf("steps: %+v", steps)
	}
	if got := argWords(steps[1].Args); !reflect.DeepEqual(got, []string{"A=1", "B=x y", "C"}) {
		t.Errorf("argWords = %q", got)
	}
	if _, err := parseDockerfile("# escape=`\nFROM busybox\n"); err == nil || !strings.Contains(err.Error(), "escape=`") {
		t.Errorf("escape directive: %v", err)
	}
	if _, err := parseDockerfile("FROM busybox\n# escape=`\n"); err != nil {
		t.Errorf("a comment after the first instruction is no directive: %v", err)
	}
	for _, st := range []buildStep{{Cmd: "RUN", Args: "<<EOF"}, {Cmd: "RUN", Args: "python3 <<-'END'"}, {Cmd: "COPY", Args: "<<EOF /x"}} {
		if err := checkStep(st); err == nil || !strings.Contains(err.Error(), "heredocs") {
			t.Errorf("checkStep(%+v) = %v", st, err)
		}
	}
	if err := checkStep(buildStep{Cmd: "RUN", Args: "echo $((1<<4))"}); err != nil {
		t.Errorf("a shift is no heredoc: %v", err)
	}
}

func TestExpandWithEscapes(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"A": "1", "B": "two"}
	for in, want := range map[string]string{
		"$A ${B} $C":             "1 two ",
		`\$A \${B} x\$`:          `$A ${B} x$`,
		`\\$A`:                   `\\1`,
		`run --name=\${NAME} $A`: `run --name=${NAME} 1`,
		`C:\path\$A`:             `C:\path$A`,
	} {
		if got := expandWith(in, vars); got != want {
			t.Errorf("expandWith(%q) = %q, want %q", in, got, want)
		}
	}
}
