package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
)

// PauseImage is the infra image pm builds locally on first use.
var PauseImage = "localhost/pm-pause:" + define.PMVersion

// catatonitPaths are where distributions install catatonit.
var catatonitPaths = []string{"/usr/libexec/podman/catatonit", "/usr/bin/catatonit", "/usr/local/bin/catatonit"}

// PodCreate validates p and creates the pod with its infra container.
// Bad input creates nothing; a failure removes what was made.
func (e *Engine) PodCreate(ctx context.Context, p *specgen.PodSpec) (_ string, retErr error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	if p.PodIDFile != "" {
		if _, err := os.Lstat(p.PodIDFile); err == nil {
			return "", idFileExists(p.PodIDFile, "pod")
		}
	}
	if p.Replace && p.Name != "" {
		if _, err := e.rt.LookupPod(ctx, p.Name); err == nil {
			if _, err := e.PodRemove(ctx, p.Name, true, nil); err != nil {
				return "", fmt.Errorf("replacing pod %s: %w", p.Name, err)
			}
		}
	}
	cfg := define.PodConfig{
		Name: p.Name, Labels: p.Labels, Hostname: p.Hostname, Share: p.Share,
		ExitPolicy: p.ExitPolicy, CreateInfra: p.Infra, CreateCommand: p.CreateCommand,
		ServiceContainer: p.ServiceContainer,
	}
	if cfg.ExitPolicy == "" {
		cfg.ExitPolicy = "continue"
	}
	if !p.Infra {
		cfg.Share = nil
	}
	pod, err := e.rt.CreatePod(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer func() {
		if retErr != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if _, err := e.rt.RemovePod(cctx, pod.ID(), true, nil); err != nil {
				slog.Warn("rolling back pod", "pod", pod.ID(), "err", err)
			}
		}
	}()
	if !p.Infra {
		return pod.ID(), e.finishPodCreate(pod, p)
	}
	img, cmd, err := e.infraImage(ctx, p.InfraImage, p.InfraCmd)
	if err != nil {
		return "", err
	}
	name := p.InfraName
	if name == "" {
		name = pod.ID()[:12] + "-infra"
	}
	hostname := p.Hostname
	if hostname == "" {
		hostname = pod.Name()
	}
	s := &specgen.Spec{
		Name: name, Image: img, Hostname: hostname,
		NetworkMode: p.NetworkMode, Net: p.Net, UserNS: p.UserNS,
		// Pulled without progress, as Podman pulls an infra image.
		Pod: pod.ID(), PodInfra: true, PullPolicy: "missing", Quiet: true, LogDriver: "k8s-file",
		Created: time.Now(), ReadOnlyTmpfs: true,
		Env: map[string]string{}, Labels: map[string]string{}, Annotations: map[string]string{},
		Tmpfs: map[string]string{}, LogOpts: map[string]string{},
		ConmonPidFile: p.InfraConmonPidFile,
	}
	if !cfg.Shares("net") && p.NetworkMode == "" {
		s.NetworkMode = ""
	}
	if len(cmd) > 0 {
		// --infra-command replaces the image's entrypoint, as in Podman.
		s.Entrypoint = cmd
	}
	cr, err := e.ContainerCreate(ctx, s)
	if err != nil {
		return "", fmt.Errorf("creating infra container: %w", err)
	}
	if err := e.rt.SetPodInfra(ctx, pod.ID(), cr.ID); err != nil {
		return "", err
	}
	return pod.ID(), e.finishPodCreate(pod, p)
}

// infraImage is the image and command of an infra (or service)
// container: img, else containers.conf's infra_image, else pm's pause
// image running catatonit -P (unless cmd says otherwise).
func (e *Engine) infraImage(ctx context.Context, img string, cmd []string) (string, []string, error) {
	if img == "" {
		img = e.rt.Config().Engine.InfraImage // containers.conf's infra_image
	}
	if img == "" {
		var err error
		if img, err = e.pauseImage(ctx); err != nil {
			return "", nil, err
		}
		if len(cmd) == 0 {
			cmd = []string{"/catatonit", "-P"}
		}
	}
	return img, cmd, nil
}

// finishPodCreate writes --pod-id-file and records the pod's create event.
func (e *Engine) finishPodCreate(pod *libpod.Pod, p *specgen.PodSpec) error {
	if p.PodIDFile != "" {
		if err := writeIDFile(p.PodIDFile, pod.ID(), "pod"); err != nil {
			return err
		}
	}
	e.emitPod(pod.ID(), pod.Name(), "create")
	return nil
}

// pauseImage returns the name of pm's pause image, building it from the
// host's static catatonit when it is missing.
func (e *Engine) pauseImage(ctx context.Context) (string, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return "", err
	}
	if _, err := svc.Lookup(PauseImage); err == nil {
		return PauseImage, nil
	}
	l, err := e.rt.Locks().Lock(ctx, "pause-image")
	if err != nil {
		return "", err
	}
	defer l.Unlock()
	if _, err := svc.Lookup(PauseImage); err == nil {
		return PauseImage, nil
	}
	bin := ""
	for _, p := range catatonitPaths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			bin = p
			break
		}
	}
	if bin == "" {
		if p, err := exec.LookPath("catatonit"); err == nil {
			bin = p
		}
	}
	if bin == "" {
		return "", define.Errorf(define.ErrNotFound, "building the pod pause image: catatonit is not installed: install it or use --infra-image")
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", fmt.Errorf("building the pod pause image: %w", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	for _, d := range []string{"dev/", "proc/", "sys/", "etc/", "run/", "tmp/"} {
		tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: now})
	}
	if err := tw.WriteHeader(&tar.Header{Name: "catatonit", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(data)), ModTime: now}); err != nil {
		return "", fmt.Errorf("building the pod pause image: %w", err)
	}
	tw.Write(data)
	if err := tw.Close(); err != nil {
		return "", fmt.Errorf("building the pod pause image: %w", err)
	}
	_, err = svc.ImportReader(ctx, &buf, image.ImportOptions{
		Reference: PauseImage,
		Changes:   []string{`ENTRYPOINT ["/catatonit", "-P"]`},
		Message:   "pm pod pause image (catatonit)",
	})
	if err != nil {
		return "", fmt.Errorf("building the pod pause image: %w", err)
	}
	return PauseImage, nil
}

// joinedPod is the pod a container being created joins.
type joinedPod struct {
	id      string
	created bool // by --pod new:NAME
}

// joinPod resolves s.Pod (creating the pod for new:NAME) and points s's
// network at the pod's infra container. Ports belong to the pod.
func (e *Engine) joinPod(ctx context.Context, s *specgen.Spec) (*joinedPod, error) {
	if s.Pod == "" {
		return &joinedPod{}, nil
	}
	if s.PodInfra {
		return &joinedPod{id: s.Pod}, nil
	}
	jp := &joinedPod{}
	name := s.Pod
	if n, ok := cutPrefix(s.Pod, "new:"); ok {
		// The container's --hostname becomes the pod's, as in Podman.
		id, err := e.PodCreate(ctx, &specgen.PodSpec{Name: n, Infra: true, Hostname: s.Hostname, Share: []string{"net", "ipc", "uts"}})
		if err != nil {
			return nil, err
		}
		jp.created, name = true, id
	}
	pod, err := e.rt.LookupPod(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("--pod %s: %w", s.Pod, err)
	}
	jp.id = pod.ID()
	if pod.Config.Shares("uts") && s.Hostname != "" && !jp.created {
		// Podman's words, its error class last.
		return nil, define.Invalidf("invalid config provided: cannot set hostname when joining the pod UTS namespace: invalid configuration")
	}
	if pod.Config.Shares("net") {
		if (s.NetworkMode != "" && s.NetworkMode != "private") || len(s.Net.Ports) > 0 || s.Net.PublishAll {
			jp.rollback(ctx, e)
			return nil, define.Invalidf("invalid config provided: published ports and networks must be set when the pod is created: the network is shared with pod %s", pod.Name())
		}
		s.NetworkMode = "container:" + pod.Config.InfraID
	}
	return jp, nil
}

// rollback removes a pod made by --pod new: for a container that was not
// created; its create having been recorded, so is its removal.
func (jp *joinedPod) rollback(ctx context.Context, e *Engine) {
	if jp == nil || !jp.created {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if _, err := e.PodRemove(cctx, jp.id, true, nil); err != nil {
		slog.Warn("rolling back pod", "pod", jp.id, "err", err)
	}
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

// emitPod records a pod event.
func (e *Engine) emitPod(id, name, action string) {
	e.emitSimple(events.Pod, action, id, name)
}
