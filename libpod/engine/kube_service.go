package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/systemd"
)

// kubeServiceName is the name of the service container of a play of
// data: its hash's first 12 hex digits and -service, so that a later play
// (or kube down) of the same YAML finds it.
func kubeServiceName(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:12] + "-service"
}

// exitCodePropagations are the values of --service-exit-code-propagation.
var exitCodePropagations = map[string]bool{"": true, "none": true, "any": true, "all": true}

// createKubeService makes (and, with start, starts) the service container
// of a play: the pause image's catatonit, without network, read-only. A
// leftover of an earlier play of the same YAML whose pods are gone is
// replaced.
func (e *Engine) createKubeService(ctx context.Context, name, propagation string, start bool) (string, error) {
	if old, err := e.rt.LookupContainer(ctx, name); err == nil {
		zero := uint(0)
		if _, err := e.rt.RemoveContainer(ctx, old.ID(), true, &zero); err != nil {
			return "", fmt.Errorf("replacing service container %s: %w", name, err)
		}
	}
	img, cmd, err := e.infraImage(ctx, "", nil)
	if err != nil {
		return "", err
	}
	if propagation == "" {
		propagation = "none"
	}
	s := &specgen.Spec{
		Name: name, Image: img, Entrypoint: cmd, NetworkMode: "none", ReadOnly: true, ReadOnlyTmpfs: true,
		SdNotifyMode: "ignore", IsService: true, ServiceExitCodePropagation: propagation,
		PullPolicy: "missing", LogDriver: "k8s-file", Created: time.Now(),
		Env: map[string]string{}, Labels: map[string]string{}, Annotations: map[string]string{},
		Tmpfs: map[string]string{}, LogOpts: map[string]string{},
	}
	cr, err := e.ContainerCreate(ctx, s)
	if err != nil {
		return "", fmt.Errorf("creating service container: %w", err)
	}
	if start {
		if err := e.startKubeService(ctx, cr.ID); err != nil {
			zero := uint(0)
			e.rt.RemoveContainer(context.WithoutCancel(ctx), cr.ID, true, &zero)
			return "", err
		}
	}
	return cr.ID, nil
}

// startKubeService starts a service container unless it runs. Whether it
// runs is decided under its lock: the record can still say running when
// it has exited and its exit command has not run yet.
func (e *Engine) startKubeService(ctx context.Context, id string) error {
	var before time.Time
	if c, err := e.rt.LookupContainer(ctx, id); err == nil {
		before = c.State.StartedAt
	}
	c, err := e.rt.StartContainer(ctx, id, libpod.StartOptions{LogLevel: logLevel()})
	if err != nil {
		return fmt.Errorf("starting service container: %w", err)
	}
	if !c.State.StartedAt.Equal(before) {
		e.emitCtr(c, "start", nil)
	}
	return nil
}

// removeKubeService removes a service container that no pod uses (a play
// that failed before making one).
func (e *Engine) removeKubeService(ctx context.Context, id string) {
	zero := uint(0)
	if _, err := e.rt.RemoveContainer(ctx, id, true, &zero); err != nil && !errors.Is(err, define.ErrNoSuchCtr) && !errors.Is(err, define.ErrInvalidState) {
		slog.Warn("removing the service container", "container", id, "err", err)
	}
}

// notifyKubeService tells systemd, when pm runs in a Type=notify unit,
// that the play runs, with the service container's conmon as the unit's
// main process.
func (e *Engine) notifyKubeService(ctx context.Context, id string) {
	addr := os.Getenv(systemd.NotifySocketEnv)
	if addr == "" {
		return
	}
	c, err := e.rt.LookupContainer(ctx, id)
	if err != nil {
		slog.Warn("notifying systemd", "container", id, "err", err)
		return
	}
	if err := systemd.NotifyReady(addr, c.State.ConmonPid); err != nil {
		slog.Warn("notifying systemd", "container", id, "err", err)
	}
}
