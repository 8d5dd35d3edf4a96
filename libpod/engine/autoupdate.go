package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
)

// The labels auto-update reads, as Podman names them.
const (
	// AutoUpdateLabel is a container's auto-update policy: registry (or
	// its old name image), local, or disabled.
	AutoUpdateLabel = "io.containers.autoupdate"
	// AutoUpdateAuthfileLabel names the auth file to pull a container's
	// image with.
	AutoUpdateAuthfileLabel = "io.containers.autoupdate.authfile"
	// SystemdUnitLabel names the systemd unit a container runs in; pm's
	// generated units and quadlet set it.
	SystemdUnitLabel = "PODMAN_SYSTEMD_UNIT"
)

// The Updated column of an auto-update report, in Podman's words.
const (
	updateFailed     = "failed"
	updateDone       = "true"
	updateNone       = "false"
	updatePending    = "pending"
	updateRolledBack = "rolled back"
)

// AutoUpdateOptions say how AutoUpdate runs.
type AutoUpdateOptions struct {
	// RegistryAuth is --authfile and --tls-verify; a container's
	// io.containers.autoupdate.authfile label overrides the auth file.
	RegistryAuth
	DryRun   bool      // only report which containers have an update
	Rollback bool      // go back to the previous image if the new one fails to start
	Progress io.Writer // pull progress; nil is silent
	// SpecOf turns the command line that created a container into the
	// Spec to create it again from, for containers no systemd unit runs:
	// pm recreates those itself. The CLI, which owns the flags, sets it.
	SpecOf func(createCommand []string) (*specgen.Spec, error)
}

// AutoUpdateReport is one container's line of the auto-update report.
type AutoUpdateReport struct {
	Unit          string // the container's systemd unit; "" if pm recreates it
	ContainerID   string
	ContainerName string
	Image         string // the image name the container follows
	Policy        string // registry or local
	Updated       string // true, false, pending, rolled back or failed
}

// updateTask is one container auto-update looks at.
type updateTask struct {
	c        *libpod.Container
	policy   string
	unit     string
	name     string       // the image name the container follows
	old      *image.Image // the container's image
	authfile string
	status   string
}

// autoUpdatePolicy returns the policy a label value names; "" for
// disabled.
func autoUpdatePolicy(v string) (string, error) {
	switch v {
	case "", "disabled":
		return "", nil
	case "registry", "image":
		return "registry", nil
	case "local":
		return "local", nil
	}
	return "", define.Invalidf("invalid auto-update policy %q: valid policies are [\"disabled\" \"image\" \"local\" \"registry\"]", v)
}

// AutoUpdate updates the running containers labelled with an auto-update
// policy whose image has a newer version: in the registry (policy
// registry, pulled first) or in local storage under the same name (policy
// local). A container run by a systemd unit (PODMAN_SYSTEMD_UNIT) is
// updated by restarting its unit, as Podman does; pm recreates any other
// from its create command with the new image and starts it. With
// Rollback, a container whose new image fails to start goes back to the
// old one. It returns a report line per container and the errors met.
func (e *Engine) AutoUpdate(ctx context.Context, o AutoUpdateOptions) ([]AutoUpdateReport, []error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, []error{err}
	}
	tasks, errs := e.autoUpdateTasks(ctx, svc)
	if len(tasks) == 0 {
		return nil, errs
	}
	e.emitSimple("system", "auto-update", "", "")

	// Containers of one unit are updated together: the unit restarts once.
	groups := map[string][]*updateTask{}
	var keys []string
	for _, t := range tasks {
		key := "unit:" + t.unit
		if t.unit == "" {
			key = "ctr:" + t.c.ID()
		}
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], t)
	}
	u := &updater{e: e, svc: svc, o: o, pulled: map[string]bool{}}
	for _, k := range keys {
		errs = append(errs, u.updateGroup(ctx, groups[k])...)
	}

	reps := make([]AutoUpdateReport, 0, len(tasks))
	for _, t := range tasks {
		reps = append(reps, AutoUpdateReport{
			Unit: t.unit, ContainerID: t.c.ID(), ContainerName: t.c.Name(),
			Image: t.name, Policy: t.policy, Updated: t.status,
		})
	}
	return reps, errs
}

// autoUpdateTasks returns the running containers with an auto-update
// policy, by name.
func (e *Engine) autoUpdateTasks(ctx context.Context, svc *image.Service) ([]*updateTask, []error) {
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, []error{err}
	}
	var tasks []*updateTask
	var errs []error
	for _, c := range cs {
		if c.State.Status != define.StatusRunning {
			continue
		}
		policy, err := autoUpdatePolicy(c.Config.Labels[AutoUpdateLabel])
		if err != nil {
			errs = append(errs, fmt.Errorf("auto-updating container %s: %w", c.Name(), err))
			continue
		}
		if policy == "" {
			continue
		}
		name := c.Config.Image.Name
		if name == "" {
			name = c.Config.Image.Asked
		}
		t := &updateTask{c: c, policy: policy, unit: c.Config.Labels[SystemdUnitLabel], name: name,
			authfile: c.Config.Labels[AutoUpdateAuthfileLabel], status: updateFailed}
		tasks = append(tasks, t)
		if t.old, err = svc.Lookup(c.Config.Image.ID); err != nil {
			errs = append(errs, fmt.Errorf("auto-updating container %s: its image %s: %w", c.Name(), shortID(c.Config.Image.ID), err))
			t.old = nil
		}
	}
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].c.Name() < tasks[j].c.Name() })
	return tasks, errs
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// updater carries one AutoUpdate's state: the registry images already
// pulled, so containers sharing an image pull it once.
type updater struct {
	e      *Engine
	svc    *image.Service
	o      AutoUpdateOptions
	pulled map[string]bool
}

func (u *updater) registryOptions(t *updateTask) image.RegistryOptions {
	ro := u.o.RegistryAuth.options()
	if t.authfile != "" {
		ro.AuthFile = t.authfile
	}
	return ro
}

// available reports whether t's container has a newer image.
func (u *updater) available(ctx context.Context, t *updateTask) (bool, error) {
	if t.old == nil {
		return false, fmt.Errorf("container %s: its image is gone", t.c.Name())
	}
	switch t.policy {
	case "registry":
		if u.pulled[t.name] {
			return true, nil
		}
		return u.svc.RemoteDiffers(ctx, t.name, t.old, u.registryOptions(t))
	default:
		img, err := u.svc.Lookup(t.name)
		if err != nil {
			return false, err
		}
		return img.ID() != t.old.ID(), nil
	}
}

// fetch pulls t's new image for the registry policy.
func (u *updater) fetch(ctx context.Context, t *updateTask) error {
	if t.policy != "registry" || u.pulled[t.name] {
		return nil
	}
	imgs, err := u.svc.Pull(ctx, t.name, image.PullOptions{RegistryOptions: u.registryOptions(t), Progress: u.o.Progress})
	if err != nil {
		return err
	}
	for _, img := range imgs {
		u.e.emitImage("pull", img.ID(), t.name)
	}
	u.pulled[t.name] = true
	return nil
}

// updateGroup updates the containers of one systemd unit, or one
// container pm recreates.
func (u *updater) updateGroup(ctx context.Context, tasks []*updateTask) []error {
	var errs []error
	var updated []*updateTask
	for _, t := range tasks {
		ok, err := u.available(ctx, t)
		switch {
		case err != nil:
			t.status = updateFailed
			errs = append(errs, fmt.Errorf("checking image updates for container %s: %w", t.c.Name(), err))
			continue
		case !ok:
			t.status = updateNone
			continue
		case u.o.DryRun:
			t.status = updatePending
			continue
		}
		if err := u.fetch(ctx, t); err != nil {
			t.status = updateFailed
			errs = append(errs, fmt.Errorf("updating image for container %s: %w", t.c.Name(), err))
			continue
		}
		updated = append(updated, t)
	}
	if len(updated) == 0 {
		return errs
	}

	restart := func() error {
		if tasks[0].unit != "" {
			return u.e.restartUnit(ctx, tasks[0].unit)
		}
		return u.recreate(ctx, tasks[0])
	}
	err := restart()
	if err == nil {
		setStatus(updated, updateDone)
		return errs
	}
	setStatus(updated, updateFailed)
	errs = append(errs, fmt.Errorf("restarting %s with the new image: %w", describe(tasks[0]), err))
	if !u.o.Rollback {
		return errs
	}
	for _, t := range updated {
		if err := u.svc.Tag(ctx, t.old.ID(), []string{t.name}); err != nil {
			return append(errs, fmt.Errorf("rolling back the image of container %s: %w", t.c.Name(), err))
		}
		u.pulled[t.name] = false
	}
	if err := restart(); err != nil {
		return append(errs, fmt.Errorf("restarting %s during rollback: %w", describe(tasks[0]), err))
	}
	setStatus(updated, updateRolledBack)
	return errs
}

func setStatus(tasks []*updateTask, s string) {
	for _, t := range tasks {
		t.status = s
	}
}

func describe(t *updateTask) string {
	if t.unit != "" {
		return "unit " + t.unit
	}
	return "container " + t.c.Name()
}

// restartUnit restarts a systemd unit and waits for the job to end.
func (e *Engine) restartUnit(ctx context.Context, unit string) error {
	args := []string{"restart", unit}
	if e.rt.Config().Rootless {
		args = append([]string{"--user"}, args...)
	}
	out, err := exec.CommandContext(ctx, "systemctl", args...).CombinedOutput()
	if err != nil {
		msg := strings.Join(strings.Fields(string(out)), " ")
		if msg == "" {
			return fmt.Errorf("systemctl %s: %w", strings.Join(args, " "), err)
		}
		return fmt.Errorf("systemctl %s: %s", strings.Join(args, " "), msg)
	}
	return nil
}

// recreate replaces t's container (which runs, or ran, the old image) by
// one created from its create command with the image t.name names now,
// under the same name, and starts it. A new container that fails to
// start is removed, unless there is no rollback to make room for.
func (u *updater) recreate(ctx context.Context, t *updateTask) error {
	if u.o.SpecOf == nil || len(t.c.Config.CreateCommand) == 0 {
		return define.Errorf(define.ErrUnsupported,
			"container %s has no create command to recreate it from and no %s label", t.c.Name(), SystemdUnitLabel)
	}
	s, err := u.o.SpecOf(t.c.Config.CreateCommand)
	if err != nil {
		return fmt.Errorf("reading the create command of container %s: %w", t.c.Name(), err)
	}
	s.Name = t.c.Name()
	s.Image = t.name
	s.PullPolicy = "never"
	s.Replace = false
	s.CreateCommand = t.c.Config.CreateCommand

	// The previous container, or the new one a failed update left.
	if cur, err := u.e.rt.LookupContainer(ctx, s.Name); err == nil {
		if cur.State.Status.Active() {
			if _, err := u.e.ContainerStop(ctx, cur.ID(), nil); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
				return err
			}
		}
		if _, err := u.e.ContainerRemove(ctx, cur.ID(), true, nil); err != nil && !errors.Is(err, define.ErrNoSuchCtr) {
			return err
		}
	} else if !errors.Is(err, define.ErrNoSuchCtr) {
		return err
	}
	cr, err := u.e.ContainerCreate(ctx, s)
	if err != nil {
		return err
	}
	if _, err := u.e.ContainerStart(ctx, cr.ID); err != nil {
		if u.o.Rollback {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			u.e.ContainerRemove(rctx, cr.ID, true, nil)
		}
		return err
	}
	return nil
}

// imageTransports are the transports an image argument may name before
// its first colon (docker-archive:/x.tar); any other colon is a tag's or
// a registry port's.
var imageTransports = map[string]bool{"docker": true, "docker-archive": true, "oci": true, "oci-archive": true,
	"dir": true, "containers-storage": true, "docker-daemon": true, "sif": true, "tarball": true}

// checkAutoUpdateImage refuses, as Podman does, the registry auto-update
// policy for an image not named in full: pm auto-update would not know
// which registry to ask for a newer one. Other policies, valid or not,
// are for pm auto-update to judge.
func checkAutoUpdateImage(labels map[string]string, img string) error {
	if p, err := autoUpdatePolicy(labels[AutoUpdateLabel]); err != nil || p != "registry" {
		return nil
	}
	ref := img
	if t, rest, ok := strings.Cut(img, ":"); ok && imageTransports[t] {
		if t != "docker" {
			return define.Invalidf("auto updates require the docker image transport but image is of transport %q", t)
		}
		ref = strings.TrimPrefix(rest, "//")
	}
	first, _, ok := strings.Cut(ref, "/")
	if !ok || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		return define.Invalidf("short name: auto updates require fully-qualified image reference: %q", img)
	}
	return nil
}
