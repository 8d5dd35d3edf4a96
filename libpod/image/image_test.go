package image

import (
	"errors"
	"reflect"
	"testing"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	search := []string{"quay.io", "127.0.0.1:5000"}
	tests := []struct {
		in     string
		exact  []string
		short  string
		digest string
		bad    bool
	}{
		{in: "busybox", exact: []string{"localhost/busybox:latest", "quay.io/busybox:latest", "127.0.0.1:5000/busybox:latest", "docker.io/library/busybox:latest"}, short: "busybox"},
		{in: "busybox:1.36", exact: []string{"localhost/busybox:1.36", "quay.io/busybox:1.36", "127.0.0.1:5000/busybox:1.36", "docker.io/library/busybox:1.36"}, short: "busybox"},
		{in: "ns/app", exact: []string{"localhost/ns/app:latest", "quay.io/ns/app:latest", "127.0.0.1:5000/ns/app:latest", "docker.io/ns/app:latest"}, short: "ns/app"},
		{in: "docker.io/busybox", exact: []string{"docker.io/library/busybox:latest"}},
		{in: "localhost/x:2", exact: []string{"localhost/x:2"}},
		{in: "127.0.0.1:5000/a/b", exact: []string{"127.0.0.1:5000/a/b:latest"}},
		{in: "quay.io/a@sha256:" + sixtyFour, exact: []string{"quay.io/a@sha256:" + sixtyFour}, digest: "sha256:" + sixtyFour},
		{in: "UPPER", bad: true},
		{in: "a b", bad: true},
		{in: "::", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			q, err := parseQuery(tc.in, search)
			if tc.bad {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Fatalf("parseQuery(%q) error = %v, want invalid argument", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(q.exact, tc.exact) || q.short != tc.short || q.digest != tc.digest {
				t.Errorf("parseQuery(%q) = %+v, want exact %v short %q digest %q", tc.in, q, tc.exact, tc.short, tc.digest)
			}
		})
	}
}

const sixtyFour = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"busybox":                         "localhost/busybox:latest",
		"my/app:1":                        "localhost/my/app:1",
		"docker.io/busybox":               "docker.io/library/busybox:latest",
		"quay.io/x/y:2":                   "quay.io/x/y:2",
		"127.0.0.1:5000/a":                "127.0.0.1:5000/a:latest",
		"localhost/a@sha256:" + sixtyFour: "localhost/a@sha256:" + sixtyFour,
		"Bad":                             "",
		"a b":                             "",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizeName(in)
			if want == "" {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Fatalf("NormalizeName(%q) error = %v, want invalid argument", in, err)
				}
				return
			}
			if err != nil || got.String() != want {
				t.Errorf("NormalizeName(%q) = %v, %v; want %q", in, got, err, want)
			}
		})
	}
	if _, err := normalizeTag("a@sha256:" + sixtyFour); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("normalizeTag of a digest: error = %v, want invalid argument", err)
	}
}

func TestSplitTransport(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"docker://busybox":     "docker",
		"oci:/tmp/x:tag":       "oci",
		"oci-archive:/a.tar":   "oci-archive",
		"docker-archive:/a":    "docker-archive",
		"dir:/a":               "dir",
		"containers-storage:x": "containers-storage",
		"127.0.0.1:5000/img":   "",
		"busybox:latest":       "",
		"busybox":              "",
	}
	for in, want := range tests {
		tr, _ := splitTransport(in)
		got := ""
		if tr != nil {
			got = tr.Name()
		}
		if got != want {
			t.Errorf("splitTransport(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestApplyChanges(t *testing.T) {
	t.Parallel()
	var cfg imgspecv1.ImageConfig
	err := ApplyChanges(&cfg, []string{
		`CMD ["/bin/sh", "-c", "echo hi"]`,
		`ENTRYPOINT=/init --flag`,
		`ENV=A=1`,
		`ENV B 2 3`,
		`ENV C="x y" D=4`,
		`ENV A=5`,
		`LABEL=k=v`,
		`label k2="v 2"`,
		`EXPOSE 80 53/udp`,
		`VOLUME ["/data"]`,
		`VOLUME /a /b`,
		`WORKDIR /srv`,
		`WORKDIR app`,
		`USER 1000:1000`,
		`STOPSIGNAL SIGINT`,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := imgspecv1.ImageConfig{
		Cmd:          []string{"/bin/sh", "-c", "echo hi"},
		Entrypoint:   []string{"/bin/sh", "-c", "/init --flag"},
		Env:          []string{"A=5", "B=2 3", "C=x y", "D=4"},
		Labels:       map[string]string{"k": "v", "k2": "v 2"},
		ExposedPorts: map[string]struct{}{"80/tcp": {}, "53/udp": {}},
		Volumes:      map[string]struct{}{"/data": {}, "/a": {}, "/b": {}},
		WorkingDir:   "/srv/app",
		User:         "1000:1000",
		StopSignal:   "SIGINT",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("ApplyChanges:\n got %+v\nwant %+v", cfg, want)
	}
	for _, bad := range []string{"FROM busybox", "CMD", "CMD [oops", "EXPOSE 99999", "EXPOSE 80/xtp", "VOLUME rel", "ENV =x", `ENV A="x`, "RUN ls"} {
		if err := ApplyChanges(&cfg, []string{bad}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ApplyChanges(%q) error = %v, want invalid argument", bad, err)
		}
	}
}

func TestReferenceMatch(t *testing.T) {
	t.Parallel()
	names := []string{"docker.io/library/busybox:latest", "quay.io/ns/app:1.0"}
	tests := map[string]bool{
		"busybox":                          true,
		"busybox:latest":                   true,
		"library/busybox":                  true,
		"docker.io/library/busybox:latest": true,
		"busy*":                            true,
		"app:1.0":                          true,
		"*/app":                            true,
		"app:2":                            false,
		"other":                            false,
	}
	for pat, want := range tests {
		if got := referenceMatch(pat, names); got != want {
			t.Errorf("referenceMatch(%q) = %v, want %v", pat, got, want)
		}
	}
}

func TestRegistryKey(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"quay.io":               "quay.io",
		"https://quay.io/":      "quay.io",
		"http://127.0.0.1:5000": "127.0.0.1:5000",
		"quay.io/ns":            "quay.io/ns",
		"":                      "",
		"a b":                   "",
	}
	for in, want := range tests {
		got, err := registryKey(in)
		if want == "" {
			if err == nil {
				t.Errorf("registryKey(%q) = %q, want an error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("registryKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
