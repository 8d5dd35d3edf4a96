package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
)

// buildContainerLabel marks the containers of a build: ps lists them
// only with --external, as Podman lists buildah's.
const buildContainerLabel = "io.pm.build"

// buildState is what the stages of one build share.
type buildState struct {
	e          *Engine
	ctx        context.Context
	dir        string // the context, filtered by the ignore file
	ctxDir     string // the context as the user named it, for messages
	out        io.Writer
	req        *BuildRequest
	reaper     *buildReaper
	cache      *buildCache
	stages     []buildStage
	globalArgs map[string]string // ARGs before the first FROM

	// mu guards what follows: stages may build at once (Jobs).
	mu sync.Mutex
	// stageImages are the results of the stages built so far, by index.
	stageImages map[int]string
	scratch     string          // the empty image of FROM scratch, made when needed
	warned      map[string]bool // the warnings of step containers given so far
	consumed    map[string]bool // the build args an ARG took
	ctrs        []string        // step containers (by name) not yet removed
	images      []string        // step images this build committed
}

// builder is the state of one stage.
type builder struct {
	*buildState
	stage  int
	image  string            // the image so far; "" before the first step of FROM scratch
	args   map[string]string // ARG values
	env    map[string]string // ENV so far (for expansion)
	cfg    image.RunConfig   // the image's configuration so far
	author string            // MAINTAINER, or the base image's author
	cmdSet bool              // CMD was given in this stage (ENTRYPOINT keeps it)
	// pending are the configuration instructions since the last commit,
	// for the history of the next.
	pending []string
	wdMade  bool // the working directory is known to exist in image
	dirty   bool // config changed since the last commit
	// final marks the build's last step: what it commits is the build's
	// image, with the build's labels and format (as Podman's, no extra
	// image on top); finalImage says it did.
	final, finalImage bool
}

// commitFormat is the format of what a step commits: the build's for its
// last step, else docker (the intermediate images keep every field).
func (b *builder) commitFormat() string {
	if b.final && b.req.Format != "" {
		return b.req.Format
	}
	return "docker"
}

// finalCommit prints Podman's COMMIT line for the build's image and marks
// that the step made it.
func (b *builder) finalCommit() {
	if !b.final {
		return
	}
	b.finalImage = true
	if b.req.PodmanStyle {
		fmt.Fprintf(b.out, "COMMIT %s\n", strings.Join(b.req.Tags, " "))
	}
}

func (b *builder) expand(s string) string { return expandWith(s, b.env, b.args) }

// step runs one instruction. Variables are expanded as Docker does: not
// in RUN, CMD, ENTRYPOINT (the shell does it), HEALTHCHECK, SHELL,
// MAINTAINER and ONBUILD (a trigger is expanded when it runs), and in
// FROM only with the ARGs before the first FROM.
func (b *builder) step(st buildStep) error {
	args := st.Args
	switch st.Cmd {
	case "RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL", "MAINTAINER", "ONBUILD":
	case "FROM":
		args = expandWith(args, b.globalArgs)
	default:
		args = b.expand(args)
	}
	switch st.Cmd {
	case "FROM":
		return b.from(args)
	case "ARG":
		for _, a := range argWords(args) {
			k, v := argDefault(a)
			if bv, ok := b.req.BuildArgs[k]; ok {
				v = bv
				b.consume(k)
			} else if gv, ok := b.globalArgs[k]; ok && !strings.Contains(a, "=") {
				v = gv
			}
			b.args[k] = v
		}
		return nil
	case "RUN":
		return b.run(args)
	case "COPY", "ADD":
		return b.copy(st.Cmd, args)
	}
	if err := b.configure(st.Cmd, args); err != nil {
		return err
	}
	b.dirty = true
	b.pending = append(b.pending, st.Cmd+" "+args)
	return nil
}

// from starts the stage from an image, from an earlier stage's result,
// or from nothing (scratch), then runs the image's ONBUILD triggers.
func (b *builder) from(args string) error {
	ref, _, err := fromArgs(args)
	if err != nil {
		return err
	}
	if strings.EqualFold(ref, "scratch") {
		b.image, b.wdMade = "", true
		return nil
	}
	var img *image.Image
	for i := 0; i < b.stage; i++ {
		if b.stages[i].name != "" && b.stages[i].name == strings.ToLower(ref) {
			svc, err := b.e.rt.Images()
			if err != nil {
				return err
			}
			if img, err = svc.Lookup(b.stageImage(i)); err != nil {
				return err
			}
			break
		}
	}
	if img == nil {
		if img, err = b.pullImage(ref); err != nil {
			return fmt.Errorf("creating build container: %w", err)
		}
	}
	b.image = img.ID()
	d, err := img.Details(b.ctx)
	if err != nil {
		return err
	}
	b.cfg = image.RunConfig{ImageConfig: d.Config.Config, DockerFields: d.DockerFields}
	b.author = d.Config.Author
	for _, kv := range b.cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		b.env[k] = v
	}
	b.wdMade = true
	return b.onBuild()
}

// pullImage finds an image per the build's pull policy.
func (b *builder) pullImage(ref string) (*image.Image, error) {
	policy := b.req.Pull
	if policy == "" {
		policy = "missing"
	}
	img, _, err := b.e.resolveImage(b.ctx, ref, policy, image.PullOptions{RegistryOptions: b.req.Auth.options(), Progress: b.out})
	return img, err
}

// container creates a step container of the stage's image running cmd
// (nil for none: a container to copy into and commit); own gives it the
// stage's environment, user and working directory (made when it is
// missing). The reaper learns its name before it exists.
func (b *builder) container(cmd []string) (string, error) {
	img, err := b.baseImage()
	if err != nil {
		return "", err
	}
	name := stepName()
	s := &specgen.Spec{Name: name, Image: img, Command: cmd, Env: map[string]string{},
		PullPolicy: "never", NetworkMode: "host", Created: time.Now(),
		Labels: map[string]string{buildContainerLabel: "true"}, Ulimits: b.req.Ulimits,
		WorkDir: b.cfg.WorkingDir, User: b.cfg.User}
	if cmd != nil {
		s.Entrypoint = []string{}
		// ARG values are in the environment of RUN, as Docker's builder has them.
		for k, v := range b.args {
			s.Env[k] = v
		}
		s.Resources, s.ShmSize, s.Net.AddHosts = b.req.Resources, b.req.ShmSize, b.req.AddHosts
		s.Net.DNS, s.Net.DNSSearch, s.Net.DNSOptions = b.req.DNS, b.req.DNSSearch, b.req.DNSOptions
		s.Security = b.req.Security
		if b.req.Network == "none" {
			s.NetworkMode = "none"
		}
	} else {
		// Never run: the image (of FROM scratch, say) may have no command.
		s.Entrypoint, s.Command = []string{}, []string{"/bin/sh"}
	}
	for k, v := range b.env {
		s.Env[k] = v
	}
	if err := b.create(s); err != nil {
		return "", err
	}
	if !b.wdMade && b.cfg.WorkingDir != "" && b.cfg.WorkingDir != "/" {
		if err := b.ensureParent(name, b.cfg.WorkingDir, true); err != nil {
			return "", err
		}
		b.wdMade = true
	}
	return name, nil
}

// create creates the step container s describes, telling the reaper
// its name first.
func (b *builder) create(s *specgen.Spec) error {
	// A step writes into the image's VOLUME directories as into any
	// other (as BuildKit does): its container mounts no volumes, which
	// would hide those writes and outlive it.
	s.ImageVolumeMode = "ignore"
	b.reaper.add(s.Name)
	rep, err := b.e.ContainerCreate(b.ctx, s)
	if err != nil {
		b.reaper.done(s.Name)
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ctrs = append(b.ctrs, s.Name)
	for _, w := range rep.Warnings {
		// Once a build: every RUN step would say the same.
		if !b.warned[w] {
			b.warned[w] = true
			b.warn(w)
		}
	}
	return nil
}

// consume records that an ARG took the build arg k.
func (bs *buildState) consume(k string) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.consumed[k] = true
}

// sourceContainer creates a container of img to copy from (COPY --from).
func (b *builder) sourceContainer(img string) (string, error) {
	s := &specgen.Spec{Name: stepName(), Image: img, Env: map[string]string{}, PullPolicy: "never",
		NetworkMode: "host", Created: time.Now(), Labels: map[string]string{buildContainerLabel: "true"},
		Entrypoint: []string{}, Command: []string{"/bin/sh"}}
	return s.Name, b.create(s)
}

// baseImage is the image of the stage's next step container: the image
// so far or, before the first step of FROM scratch, an empty image made
// for the build.
func (b *builder) baseImage() (string, error) {
	if b.image != "" {
		return b.image, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.scratch == "" {
		svc, err := b.e.rt.Images()
		if err != nil {
			return "", err
		}
		img, err := svc.Scratch()
		if err != nil {
			return "", fmt.Errorf("making the empty image of FROM scratch: %w", err)
		}
		b.scratch = img.ID()
	}
	return b.scratch, nil
}

func stepName() string {
	var rnd [8]byte
	rand.Read(rnd[:])
	return "pm-build-" + hex.EncodeToString(rnd[:])
}

// drop removes a step container.
func (b *builder) drop(name string) {
	b.e.rt.RemoveContainer(context.WithoutCancel(b.ctx), name, true, nil)
	b.reaper.done(name)
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, c := range b.ctrs {
		if c == name {
			b.ctrs = append(b.ctrs[:i], b.ctrs[i+1:]...)
			break
		}
	}
}

// shellForm is the command of a shell-form RUN, CMD or ENTRYPOINT: the
// SHELL (default /bin/sh -c) and the text.
func (b *builder) shellForm(text string) []string {
	sh := b.cfg.Shell
	if len(sh) == 0 {
		sh = []string{"/bin/sh", "-c"}
	}
	return append(append([]string{}, sh...), text)
}

// command reads the exec (JSON) or shell form of RUN, CMD and
// ENTRYPOINT; text that does not parse as a JSON array of strings is
// the shell form, as Docker reads it.
func (b *builder) command(args string) []string {
	if l, ok := jsonList(args); ok {
		return l
	}
	return b.shellForm(args)
}

func (b *builder) run(args string) error {
	if err := runFlags(args); err != nil {
		return err
	}
	cmd := b.command(args)
	key := b.cacheKey("RUN "+args, "", true)
	if b.cached(key) {
		return nil
	}
	id, err := b.container(cmd)
	if err != nil {
		return err
	}
	targets, err := b.mountTargets(id)
	if err != nil {
		return err
	}
	// A build cancelled meanwhile (another stage failed, with --jobs)
	// kills the step rather than wait for it to end on its own.
	if err := b.ctx.Err(); err != nil {
		return err
	}
	stop := context.AfterFunc(b.ctx, func() {
		defer define.Recover("cancelling a build step", nil)
		b.e.rt.KillContainer(context.Background(), id, syscall.SIGKILL)
	})
	defer stop()
	// The build exits with the step's code, as Podman's: the command's
	// own, or 1 when the runtime could not start it.
	code, err := b.e.ContainerStartAttached(b.ctx, id, AttachOptions{Stdout: b.out, Stderr: b.out})
	if cerr := b.ctx.Err(); cerr != nil && err == nil && code != 0 {
		return cerr
	}
	if err != nil {
		return &define.ExitCodeError{Code: 1, Err: err}
	}
	if code != 0 {
		return &define.ExitCodeError{Code: code, Err: fmt.Errorf("The command '%s' returned a non-zero code: %d", strings.Join(cmd, " "), code)}
	}
	if err := b.afterTargets(id, targets); err != nil {
		return err
	}
	return b.commit(id, key, strings.Join(cmd, " "))
}

// commitStep commits the stage's image with its config so far (the end
// of a stage), or takes it from the cache.
func (b *builder) commitStep(instr string) error {
	key := b.cacheKey(instr, "", false)
	if b.cached(key) {
		return nil
	}
	id, err := b.container(nil)
	if err != nil {
		return err
	}
	return b.commit(id, key, strings.Join(b.pending, "; "))
}

// commit commits step container id as the stage's next image, with the
// stage's configuration, and records it in the cache under key.
func (b *builder) commit(id, key, createdBy string) error {
	cfg := b.cfg
	format := b.commitFormat()
	if b.final {
		cfg.Labels = finalLabels(cfg.Labels, b.req.Labels)
		if format == "oci" {
			b.dockerOnly()
		}
	}
	rep, err := b.e.rt.CommitContainer(b.ctx, id, libpod.CommitOptions{
		Set: &cfg, Author: b.author, Docker: format == "docker", CreatedBy: createdBy,
	})
	if err != nil {
		return err
	}
	b.drop(id)
	b.image, b.dirty, b.pending = rep.ID(), false, nil
	b.mu.Lock()
	b.images = append(b.images, rep.ID())
	b.mu.Unlock()
	if !b.req.NoLayers {
		if err := b.cache.put(key, rep.ID(), b.e.imageExists); err != nil {
			b.warn(fmt.Sprintf("recording the build cache: %v", err))
		}
	}
	b.finalCommit()
	b.printID(rep.ID())
	return nil
}

// finalLabels are the image's labels with the build's --label values
// over them.
func finalLabels(img, build map[string]string) map[string]string {
	if len(build) == 0 {
		return img
	}
	out := make(map[string]string, len(img)+len(build))
	for k, v := range img {
		out[k] = v
	}
	for k, v := range build {
		out[k] = v
	}
	return out
}

func (b *builder) printID(id string) {
	if b.req.PodmanStyle {
		// Podman's builds print 11 characters of the ID here.
		fmt.Fprintf(b.out, "--> %s\n", id[:min(len(id), 11)])
	} else {
		fmt.Fprintf(b.out, " ---> %s\n", short(id))
	}
}

// cached moves the stage to the image the cache holds for key, when
// there is one and the cache may be used.
func (b *builder) cached(key string) bool {
	if b.req.NoCache || b.req.NoLayers {
		return false
	}
	id := b.cache.get(key)
	if id == "" || !b.e.imageExists(id) {
		return false
	}
	if b.req.PodmanStyle {
		fmt.Fprintf(b.out, "--> Using cache %s\n", id)
	} else {
		fmt.Fprintf(b.out, " ---> Using cache\n")
	}
	b.image, b.dirty = id, false
	b.finalCommit()
	b.printID(id)
	return true
}

// cacheKey is the hash of everything a step's result depends on: the
// parent image, the instruction, the configuration so far, the
// environment of RUN, and extra (the content of COPY's sources).
func (b *builder) cacheKey(instr, extra string, withArgs bool) string {
	k := struct {
		Parent, Instr, Extra, Author string
		Config                       image.RunConfig
		Args                         map[string]string
		// The build's last step also commits its labels and format.
		FinalLabels map[string]string `json:",omitempty"`
		FinalFormat string            `json:",omitempty"`
		// A RUN's result may depend on the options its container runs
		// with (a seccomp profile, limits, the network).
		Run *BuildRunOptions `json:",omitempty"`
	}{Parent: b.image, Instr: instr, Extra: extra, Author: b.author, Config: b.cfg}
	if withArgs {
		k.Args = b.args
		k.Run = &b.req.BuildRunOptions
	}
	if b.final {
		k.FinalLabels, k.FinalFormat = b.req.Labels, b.commitFormat()
	}
	return hashJSON(k)
}
