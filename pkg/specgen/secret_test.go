package specgen

import (
	"errors"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestParseSecret(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Secret
	}{
		{"db", Secret{Source: "db", Type: "mount", Target: "/run/secrets/db", Mode: 0o444}},
		{"db,type=mount,target=pw", Secret{Source: "db", Type: "mount", Target: "/run/secrets/pw", Mode: 0o444}},
		{"db,target=/etc/pw,uid=1000,gid=100,mode=0400", Secret{Source: "db", Type: "mount", Target: "/etc/pw", UID: 1000, GID: 100, Mode: 0o400}},
		{"db,target=sub/dir/pw", Secret{Source: "db", Type: "mount", Target: "/run/secrets/sub/dir/pw", Mode: 0o444}},
		{"db,type=env", Secret{Source: "db", Type: "env", Target: "db"}},
		{"db,type=env,target=DB_PASSWORD", Secret{Source: "db", Type: "env", Target: "DB_PASSWORD"}},
		{"source=db,type=env", Secret{Source: "db", Type: "env", Target: "db"}},
		{"db,mode=600", Secret{Source: "db", Type: "mount", Target: "/run/secrets/db", Mode: 0o600}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSecret(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("ParseSecret(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseSecretBad(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                     "no secret name",
		"type=env":             "no secret name",
		"db,bogus=1":           "unknown option",
		"db,type":              "must be key=value",
		"db,type=file":         "type must be mount or env",
		"db,mode=999":          "octal mode",
		"db,mode=01777":        "octal mode",
		"db,mode=rw":           "octal mode",
		"db,uid=-1":            "uid must be a number",
		"db,gid=x":             "gid must be a number",
		"db,type=env,uid=0":    "type=mount only",
		"db,type=env,mode=400": "type=mount only",
		"db,target=":           "target must not be empty",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseSecret(in)
			if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), want) {
				t.Errorf("ParseSecret(%q) = %v; want an invalid argument containing %q", in, err, want)
			}
		})
	}
}

func TestValidateSecrets(t *testing.T) {
	t.Parallel()
	base := func(secs ...Secret) *Spec {
		return &Spec{Image: "busybox", Secrets: secs, Tmpfs: map[string]string{}}
	}
	mount := func(src, target string) Secret {
		return Secret{Source: src, Type: "mount", Target: target, Mode: 0o444}
	}
	ok := base(mount("a", "/run/secrets/a"), mount("a", "/etc/a"), Secret{Source: "a", Type: "env", Target: "A"})
	if err := ok.Validate(); err != nil {
		t.Errorf("valid secrets: %v", err)
	}
	for name, tc := range map[string]struct {
		s    *Spec
		want string
	}{
		"same target":    {base(mount("a", "/run/secrets/x"), mount("b", "/run/secrets/x")), "duplicate mount destination"},
		"target of -v":   {&Spec{Image: "i", Mounts: []Mount{{Type: "bind", Source: "/s", Destination: "/d"}}, Secrets: []Secret{mount("a", "/d")}}, "duplicate mount destination"},
		"relative":       {base(mount("a", "rel")), "not an absolute path"},
		"bad name":       {base(mount("../a", "/x")), "not a secret name"},
		"bad type":       {base(Secret{Source: "a", Type: "file", Target: "/x"}), "type must be"},
		"env with uid":   {base(Secret{Source: "a", Type: "env", Target: "A", UID: 1}), "type=mount only"},
		"env bad name":   {base(Secret{Source: "a", Type: "env", Target: "A=B"}), "not an environment variable"},
		"env twice":      {base(Secret{Source: "a", Type: "env", Target: "A"}, Secret{Source: "b", Type: "env", Target: "A"}), "set by two secrets"},
		"mode too large": {base(Secret{Source: "a", Type: "mount", Target: "/x", Mode: 0o1777}), "more than 0777"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.s.Validate()
			if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v; want an invalid argument containing %q", err, tc.want)
			}
		})
	}
}
