package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
)

// A container's secrets are copied when it is created into its storage
// directory (userdata/secrets/N, N the secret's index in
// Config.Secrets), so that it keeps them when the secret is removed or
// replaced, as Podman documents. Each start copies the mount secrets
// into the bundle (secrets/N, with their owner and mode) and binds them
// read-only; env secrets go into the process's environment of the
// bundle's config.json only, never into the recorded spec.

// containerSecretsDir is where c's copies of its secrets live; it goes
// with the storage container.
func (r *Runtime) containerSecretsDir(id string) (string, error) {
	store, err := r.Store()
	if err != nil {
		return "", err
	}
	dir, err := store.ContainerDirectory(id)
	if err != nil {
		return "", fmt.Errorf("finding the storage directory of %s: %w", id, err)
	}
	return filepath.Join(dir, "secrets"), nil
}

// copySecrets copies the data of c's secrets for c. A secret removed
// since the engine resolved it is an error wrapping
// define.ErrNoSuchSecret. Called by CreateContainer once the storage
// container exists.
func (r *Runtime) copySecrets(ctx context.Context, c *Container) error {
	if len(c.Config.Secrets) == 0 {
		return nil
	}
	dir, err := r.containerSecretsDir(c.ID())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the secrets directory of %s: %w", c.Name(), err)
	}
	for i, cs := range c.Config.Secrets {
		_, data, err := r.SecretData(ctx, cs.ID)
		if errors.Is(err, define.ErrNoSuchSecret) {
			return define.Errorf(define.ErrNoSuchSecret, "secret %s: %w", cs.Name, define.ErrNoSuchSecret)
		}
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(dir, strconv.Itoa(i)), data, 0o600); err != nil {
			return fmt.Errorf("copying secret %s for %s: %w", cs.Name, c.Name(), err)
		}
	}
	return nil
}

// addSecrets puts c's secrets into sp for a start: mount secrets are
// copied into bundle/secrets and bound read-only, env secrets are set in
// the process's environment.
func (r *Runtime) addSecrets(c *Container, sp *specs.Spec, bundle string) error {
	if len(c.Config.Secrets) == 0 {
		return nil
	}
	src, err := r.containerSecretsDir(c.ID())
	if err != nil {
		return err
	}
	dst := filepath.Join(bundle, "secrets")
	if err := os.RemoveAll(dst); err != nil {
		return fmt.Errorf("clearing the secrets of %s: %w", c.Name(), err)
	}
	if err := os.Mkdir(dst, 0o700); err != nil {
		return fmt.Errorf("creating the secrets directory of %s: %w", c.Name(), err)
	}
	for i, cs := range c.Config.Secrets {
		data, err := os.ReadFile(filepath.Join(src, strconv.Itoa(i)))
		if err != nil {
			return fmt.Errorf("reading the copy of secret %s of %s: %w", cs.Name, c.Name(), err)
		}
		if cs.Type == define.SecretTypeEnv {
			if sp.Process != nil {
				sp.Process.Env = setEnv(sp.Process.Env, cs.Target, string(data))
			}
			continue
		}
		p := filepath.Join(dst, strconv.Itoa(i))
		if err := os.WriteFile(p, data, 0o600); err != nil {
			return fmt.Errorf("writing secret %s of %s: %w", cs.Name, c.Name(), err)
		}
		uid, uok := hostID(c.Config.IDMaps, cs.UID, true)
		gid, gok := hostID(c.Config.IDMaps, cs.GID, false)
		if !uok || !gok {
			return define.Invalidf("the owner %d:%d of secret %s is not mapped in the user namespace of %s", cs.UID, cs.GID, cs.Name, c.Name())
		}
		if err := os.Chown(p, int(uid), int(gid)); err != nil {
			return define.Invalidf("setting the owner of secret %s to %d:%d: %v", cs.Name, cs.UID, cs.GID, errors.Unwrap(err))
		}
		if err := os.Chmod(p, os.FileMode(cs.Mode)&os.ModePerm); err != nil {
			return fmt.Errorf("setting the mode of secret %s: %w", cs.Name, err)
		}
		sp.Mounts = append(sp.Mounts, specs.Mount{
			Destination: cs.Target, Type: "bind", Source: p,
			Options: []string{"bind", "rprivate", "ro", "nosuid", "nodev", "noexec"},
		})
	}
	return nil
}

// setEnv sets key=value in env, replacing an earlier value.
func setEnv(env []string, key, value string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// hostID maps a container id to pm's user namespace through the
// container's own maps; without maps the container shares pm's ids.
// It reports false for an id outside the maps.
func hostID(m *define.ContainerIDMaps, id uint32, uid bool) (uint32, bool) {
	if m == nil {
		return id, true
	}
	maps := m.GIDMap
	if uid {
		maps = m.UIDMap
	}
	for _, x := range maps {
		off := int64(id) - int64(x.ContainerID)
		if off >= 0 && off < int64(x.Size) {
			return uint32(int64(x.HostID) + off), true
		}
	}
	return 0, false
}
