package specgen

import (
	"errors"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestParseRestart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want RestartPolicy
		bad  bool
	}{
		{"no", RestartPolicy{Name: "no"}, false},
		{"", RestartPolicy{Name: "no"}, false},
		{"always", RestartPolicy{Name: "always"}, false},
		{"unless-stopped", RestartPolicy{Name: "unless-stopped"}, false},
		{"on-failure", RestartPolicy{Name: "on-failure"}, false},
		{"on-failure:3", RestartPolicy{Name: "on-failure", MaxRetries: 3}, false},
		{"on-failure:x", RestartPolicy{}, true},
		{"always:3", RestartPolicy{}, true},
		{"sometimes", RestartPolicy{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRestart(tt.in)
			if tt.bad {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Fatalf("want invalid argument, got %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestParseUlimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Ulimit
		bad  bool
	}{
		{"nofile=1024", Ulimit{"nofile", 1024, 1024}, false},
		{"nofile=1024:2048", Ulimit{"nofile", 1024, 2048}, false},
		{"RLIMIT_NPROC=10", Ulimit{"nproc", 10, 10}, false},
		{"nofile=2048:1024", Ulimit{}, true},
		{"bogus=1", Ulimit{}, true},
		{"nofile", Ulimit{}, true},
		{"nofile=abc", Ulimit{}, true},
	}
	for _, tt := range tests {
		got, err := ParseUlimit(tt.in)
		if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
			t.Errorf("ParseUlimit(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func TestParseVolumeAndMount(t *testing.T) {
	t.Parallel()
	good := map[string]Mount{
		"/src:/dst":       {Type: "bind", Source: "/src", Destination: "/dst"},
		"/src:/dst:ro":    {Type: "bind", Source: "/src", Destination: "/dst", ReadOnly: true},
		"data:/data":      {Type: "volume", Source: "data", Destination: "/data"},
		"/src:/dst/../d2": {Type: "bind", Source: "/src", Destination: "/d2"},
	}
	for in, want := range good {
		got, err := ParseVolume(in)
		if err != nil || got.Type != want.Type || got.Source != want.Source || got.Destination != want.Destination || got.ReadOnly != want.ReadOnly {
			t.Errorf("ParseVolume(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"/src", ":/dst", "/src:dst", "/a:/b:bogus", "a:b:c:d", "/a:/b:O", "/a:/b:idmap"} {
		if _, err := ParseVolume(in); in != "/src" && !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseVolume(%q) = %v, want invalid argument", in, err)
		}
	}
	if m, err := ParseMount("type=tmpfs,target=/t"); err != nil || m.Type != "tmpfs" || m.Destination != "/t" {
		t.Errorf("tmpfs mount: %+v %v", m, err)
	}
	for _, in := range []string{"type=bind,target=/t", "target=/t", "type=nope,target=/t", "type=tmpfs,target=rel", "type=bind,src=/a,dst=/b,bogus=1", "type=bind,src=/a,dst=/b,idmap"} {
		if _, err := ParseMount(in); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseMount(%q) = %v, want invalid argument", in, err)
		}
	}
}

func TestParseSignalAndBytes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"SIGTERM": 15, "term": 15, "9": 9, "KILL": 9, "RTMIN+1": 35} {
		if got, err := ParseSignal(in); err != nil || int(got) != want {
			t.Errorf("ParseSignal(%q) = %d, %v", in, got, err)
		}
	}
	for in, msg := range map[string]string{"SIGBOGUS": "invalid signal: SIGBOGUS", "-SIG": "invalid signal: SIG", "0": "invalid signal: 0",
		"-0": "invalid signal: 0", "": "invalid signal: ", "65": "valid signals are 1 through 64", "-65": "valid signals are 1 through 64"} {
		if _, err := ParseSignal(in); err == nil || err.Error() != msg {
			t.Errorf("ParseSignal(%q) = %v, want %q", in, err, msg)
		}
	}
	for in, want := range map[string]int64{"512m": 512 << 20, "1g": 1 << 30, "1024": 1024, "2k": 2048, "1.5k": 1536} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v", in, got, err)
		}
	}
	if _, err := ParseBytes("lots"); err == nil {
		t.Error("ParseBytes accepted lots")
	}
	for in, want := range map[string]int64{"1.079m": 1079000, "10k": 10000, "10KB": 10000, "2gib": 2e9, "1024": 1024, "7b": 7, "1.5 m": 1500000} {
		if got, err := ParseDecimalSize(in); err != nil || got != want {
			t.Errorf("ParseDecimalSize(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "m", "lots", "-1k", "1x", ".5k"} {
		if _, err := ParseDecimalSize(in); err == nil {
			t.Errorf("ParseDecimalSize(%q) accepted", in)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	bad := []Spec{
		{},
		{Image: "x", Name: "-bad"},
		{Image: "x", Name: "a/b"},
		{Image: "x", LogDriver: "syslog"},
		{Image: "x", PullPolicy: "sometimes"},
		{Image: "x", StopSignal: "SIGNOPE"},
		{Image: "x", Remove: true, Restart: RestartPolicy{Name: "always"}},
		{Image: "x", UserNS: "bogus"},
		{Image: "x", Mounts: []Mount{{Destination: "/a", Source: "/s1"}, {Destination: "/a", Source: "/s2"}}},
	}
	for i, s := range bad {
		if err := s.Validate(); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("case %d: Validate() = %v, want invalid argument", i, err)
		}
	}
	good := Spec{Image: "busybox", Name: "web.1_a-b", LogDriver: "k8s-file", StopSignal: "SIGINT", UserNS: "keep-id"}
	if err := good.Validate(); err != nil {
		t.Errorf("good spec refused: %v", err)
	}
}
