package libpod

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/config"
)

func secretRuntime(t *testing.T) *Runtime {
	t.Helper()
	root := t.TempDir()
	cfg := &config.Config{
		DatabasePath: filepath.Join(root, "pm", "state.db"),
		VolumePath:   filepath.Join(root, "volumes"),
	}
	cfg.Storage.GraphRoot = root
	cfg.Storage.RunRoot = filepath.Join(root, "run")
	r := &Runtime{cfg: cfg}
	t.Cleanup(func() {
		if r.db != nil {
			r.db.Close()
		}
	})
	return r
}

func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestSecretLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := secretRuntime(t)
	s, err := r.CreateSecret(ctx, SecretCreateOptions{Name: "pw", Data: []byte("one"), Labels: map[string]string{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.ID()) != define.SecretIDLength || s.Config.Driver != SecretDriverFile || s.Config.DriverOptions["path"] != r.secretsDir() {
		t.Errorf("created %+v", s.Config)
	}
	for p, want := range map[string]os.FileMode{r.secretsDir(): 0o700, s.dataPath(): 0o600} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v, %v; want mode %v", p, st.Mode(), err, want)
		}
	}
	if _, err := r.CreateSecret(ctx, SecretCreateOptions{Name: "pw", Data: []byte("two")}); !errors.Is(err, define.ErrAlreadyExists) {
		t.Errorf("taken name: %v", err)
	}
	if n := len(dataFiles(t, r.secretsDir())); n != 1 {
		t.Errorf("a refused create left %d data files", n)
	}
	rep, err := r.CreateSecret(ctx, SecretCreateOptions{Name: "pw", Data: []byte("two"), Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ID() != s.ID() || !rep.Config.CreatedAt.Equal(s.Config.CreatedAt) || !rep.Config.UpdatedAt.After(s.Config.UpdatedAt) {
		t.Errorf("replace: %+v, was %+v", rep.Config, s.Config)
	}
	if _, data, err := r.SecretData(ctx, "pw"); err != nil || string(data) != "two" {
		t.Errorf("data after replace: %q, %v", data, err)
	}
	if files := dataFiles(t, r.secretsDir()); len(files) != 1 {
		t.Errorf("replace left %q", files)
	}
	if _, err := r.RemoveSecret(ctx, s.ID()[:8]); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LookupSecret(ctx, "pw"); !errors.Is(err, define.ErrNoSuchSecret) {
		t.Errorf("lookup after remove: %v", err)
	}
	if files := dataFiles(t, r.secretsDir()); len(files) != 0 {
		t.Errorf("remove left %q", files)
	}
}

func TestSecretCreateRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := secretRuntime(t)
	for name, o := range map[string]SecretCreateOptions{
		"empty":       {Name: "a", Data: nil},
		"too large":   {Name: "a", Data: make([]byte, define.SecretMaxSize+1)},
		"bad name":    {Name: "../a", Data: []byte("x")},
		"driver":      {Name: "a", Data: []byte("x"), Driver: "pass"},
		"option":      {Name: "a", Data: []byte("x"), DriverOptions: map[string]string{"bogus": "1"}},
		"option path": {Name: "a", Data: []byte("x"), DriverOptions: map[string]string{"path": "rel"}},
	} {
		if _, err := r.CreateSecret(ctx, o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := os.Stat(r.secretsDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused creates made the secrets directory: %v", err)
	}
	if _, err := r.CreateSecret(ctx, SecretCreateOptions{Name: "max", Data: make([]byte, define.SecretMaxSize)}); err != nil {
		t.Errorf("data of exactly the limit: %v", err)
	}
}

func TestSecretEnvAndIDs(t *testing.T) {
	t.Parallel()
	if got := setEnv([]string{"A=1", "B=2", "AB=3"}, "A", "x"); len(got) != 3 || got[2] != "A=x" || got[0] != "B=2" {
		t.Errorf("setEnv: %q", got)
	}
	m := &define.ContainerIDMaps{
		UIDMap: []define.IDMap{{ContainerID: 0, HostID: 1, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65536}},
		GIDMap: []define.IDMap{{ContainerID: 0, HostID: 2, Size: 10}},
	}
	for _, tc := range []struct {
		id   uint32
		uid  bool
		want uint32
		ok   bool
	}{
		{0, true, 1, true}, {1, true, 100000, true}, {1000, true, 100999, true}, {70000, true, 0, false},
		{5, false, 7, true}, {10, false, 0, false},
	} {
		if got, ok := hostID(m, tc.id, tc.uid); got != tc.want || ok != tc.ok {
			t.Errorf("hostID(%d, uid=%v) = %d, %v; want %d, %v", tc.id, tc.uid, got, ok, tc.want, tc.ok)
		}
	}
	if got, ok := hostID(nil, 42, true); got != 42 || !ok {
		t.Errorf("hostID without maps: %d, %v", got, ok)
	}
}
