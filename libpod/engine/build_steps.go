package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
)

// buildContainerLabel marks the containers of a build: ps lists them
// only with --external, as Podman lists buildah's.
const buildContainerLabel = "io.pm.build"

// buildState is what the stages of one build share.
type buildState struct {
	e      *Engine
	ctx    context.Context
	dir    string // the context, filtered by the ignore file
	ctxDir string // the context as the user named it, for messages
	out    io.Writer
	req    *BuildRequest
	reaper *buildReaper
	cache  *buildCache
	stages []buildStage
	// stageImages are the results of the stages built so far, by index.
	stageImages map[int]string
	globalArgs  map[string]string // ARGs before the first FROM
	ctrs        []string          // step containers (by name) not yet removed
	images      []string          // step images this build committed
}

// builder is the state of one stage.
type builder struct {
	*buildState
	stage   int
	image   string            // the image so far
	args    map[string]string // ARG values
	env     map[string]string // ENV so far (for expansion)
	changes []string          // config instructions so far
	workdir string
	user    string
	wdMade  bool // the working directory is known to exist in image
	dirty   bool // config changed since the last commit
}

func (b *builder) expand(s string) string { return expandWith(s, b.env, b.args) }

func (b *builder) step(st buildStep, stages []buildStage, idx int) error {
	b.stages = stages
	args := st.Args
	switch st.Cmd {
	case "RUN", "CMD", "ENTRYPOINT":
	case "FROM":
		args = expandWith(args, b.globalArgs)
	default:
		args = b.expand(args)
	}
	switch st.Cmd {
	case "FROM":
		return b.from(args, stages, idx)
	case "ARG":
		k, v := argDefault(args)
		if bv, ok := b.req.BuildArgs[k]; ok {
			v = bv
		} else if gv, ok := b.globalArgs[k]; ok && !strings.Contains(args, "=") {
			v = gv
		}
		b.args[k] = v
	case "ENV":
		for _, kv := range envPairs(args) {
			b.env[kv[0]] = kv[1]
			b.change("ENV " + kv[0] + "=" + strconvQuote(kv[1]))
		}
	case "WORKDIR":
		if !strings.HasPrefix(args, "/") {
			args = path.Join("/", b.workdir, args)
		}
		b.workdir = path.Clean(args)
		b.wdMade = false
		b.change("WORKDIR " + b.workdir)
	case "USER":
		b.user = args
		b.change("USER " + args)
	case "CMD", "ENTRYPOINT":
		b.change(st.Cmd + " " + jsonOrShell(args))
	case "EXPOSE", "LABEL", "VOLUME":
		b.change(st.Cmd + " " + args)
	case "RUN":
		return b.run(args)
	case "COPY", "ADD":
		return b.copy(st.Cmd, args)
	case "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "ONBUILD":
		fmt.Fprintf(b.out, "%s is ignored by pm's builder\n", st.Cmd)
	default:
		return define.Invalidf("unknown instruction %s", st.Cmd)
	}
	return nil
}

func (b *builder) change(c string) {
	b.changes = append(b.changes, c)
	b.dirty = true
}

// from starts the stage from an image, or from an earlier stage's result.
func (b *builder) from(args string, stages []buildStage, idx int) error {
	ref, _, err := fromArgs(args)
	if err != nil {
		return err
	}
	var img *image.Image
	for i := 0; i < idx; i++ {
		if stages[i].name != "" && stages[i].name == strings.ToLower(ref) {
			svc, err := b.e.rt.Images()
			if err != nil {
				return err
			}
			if img, err = svc.Lookup(b.stageImages[i]); err != nil {
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
	for _, kv := range d.Config.Config.Env {
		k, v, _ := strings.Cut(kv, "=")
		b.env[k] = v
	}
	b.workdir, b.user, b.wdMade = d.Config.Config.WorkingDir, d.Config.Config.User, true
	return nil
}

// pullImage finds an image per the build's pull policy.
func (b *builder) pullImage(ref string) (*image.Image, error) {
	svc, err := b.e.rt.Images()
	if err != nil {
		return nil, err
	}
	policy := b.req.Pull
	if policy == "" {
		policy = "missing"
	}
	name, archive := image.FromTransport(ref)
	if archive {
		policy = "always"
	}
	if policy != "always" {
		img, err := svc.Lookup(name)
		if err == nil || !errors.Is(err, define.ErrNoSuchImage) || policy == "never" {
			return img, err
		}
	}
	imgs, err := svc.Pull(b.ctx, name, image.PullOptions{RegistryOptions: b.req.Auth.options(), Progress: b.out})
	if err != nil {
		return nil, err
	}
	return imgs[0], nil
}

// container creates a step container of img running cmd; own gives it
// the stage's environment, user and working directory (made when it is
// missing). The reaper learns its name before it exists.
func (b *builder) container(img string, cmd []string, own bool) (string, error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	name := "pm-build-" + hex.EncodeToString(rnd[:])
	s := &specgen.Spec{Name: name, Image: img, Command: cmd, Env: map[string]string{},
		PullPolicy: "never", NetworkMode: "host", Created: time.Now(),
		Labels: map[string]string{buildContainerLabel: "true"}, Ulimits: b.req.Ulimits}
	if cmd != nil {
		s.Entrypoint = []string{}
	}
	if own {
		s.WorkDir, s.User = b.workdir, b.user
		if cmd != nil {
			// ARG values are in the environment of RUN, as Docker's builder has them.
			for k, v := range b.args {
				s.Env[k] = v
			}
		}
		for k, v := range b.env {
			s.Env[k] = v
		}
	}
	b.reaper.add(name)
	if _, err := b.e.ContainerCreate(b.ctx, s); err != nil {
		b.reaper.done(name)
		return "", err
	}
	b.ctrs = append(b.ctrs, name)
	if own && !b.wdMade && b.workdir != "" && b.workdir != "/" {
		if err := b.ensureParent(name, b.workdir, true); err != nil {
			return "", err
		}
		b.wdMade = true
	}
	return name, nil
}

// drop removes a step container.
func (b *builder) drop(name string) {
	b.e.rt.RemoveContainer(context.WithoutCancel(b.ctx), name, true, nil)
	b.reaper.done(name)
	for i, c := range b.ctrs {
		if c == name {
			b.ctrs = append(b.ctrs[:i], b.ctrs[i+1:]...)
			break
		}
	}
}

func (b *builder) run(args string) error {
	var cmd []string
	if strings.HasPrefix(strings.TrimSpace(args), "[") {
		if err := json.Unmarshal([]byte(args), &cmd); err != nil {
			return define.Invalidf("RUN: invalid JSON form: %v", err)
		}
	} else {
		cmd = []string{"/bin/sh", "-c", args}
	}
	key := b.cacheKey("RUN "+args, "", true)
	if b.cached(key) {
		return nil
	}
	id, err := b.container(b.image, cmd, true)
	if err != nil {
		return err
	}
	code, err := b.e.ContainerStartAttached(b.ctx, id, AttachOptions{Stdout: b.out, Stderr: b.out})
	if err != nil {
		return err
	}
	if code != 0 {
		return define.Errorf(define.ErrInvalidArg, "The command '%s' returned a non-zero code: %d", strings.Join(cmd, " "), code)
	}
	return b.commit(id, key, "docker")
}

// commitStep commits the stage's image with its config so far (the end
// of a stage), or takes it from the cache.
func (b *builder) commitStep(instr, extra, format string) error {
	key := b.cacheKey(instr, extra, false)
	if b.cached(key) {
		return nil
	}
	id, err := b.container(b.image, nil, true)
	if err != nil {
		return err
	}
	return b.commit(id, key, format)
}

// commit commits step container id as the stage's next image and
// records it in the cache under key.
func (b *builder) commit(id, key, format string) error {
	rep, err := b.e.ContainerCommit(b.ctx, ContainerCommitRequest{Container: id, Changes: append([]string{}, b.changes...), Format: format})
	if err != nil {
		return err
	}
	b.drop(id)
	b.image, b.dirty = rep.ID, false
	b.images = append(b.images, rep.ID)
	if !b.req.NoLayers {
		if err := b.cache.put(key, rep.ID, b.e.imageExists); err != nil {
			fmt.Fprintf(b.out, "warning: recording the build cache: %v\n", err)
		}
	}
	b.printID(rep.ID)
	return nil
}

func (b *builder) printID(id string) {
	if b.req.PodmanStyle {
		fmt.Fprintf(b.out, "--> %s\n", short(id))
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
	b.printID(id)
	return true
}

// cacheKey is the hash of everything a step's result depends on: the
// parent image, the instruction, the config so far, the environment of
// RUN, and extra (the content of COPY's sources).
func (b *builder) cacheKey(instr, extra string, withArgs bool) string {
	k := struct {
		Parent, Instr, Extra, Workdir, User string
		Changes                             []string
		Env, Args                           map[string]string
	}{b.image, instr, extra, b.workdir, b.user, b.changes, b.env, nil}
	if withArgs {
		k.Args = b.args
	}
	return hashJSON(k)
}
