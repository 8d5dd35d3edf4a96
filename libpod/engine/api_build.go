package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
)

// BuildRequest says what Build builds: a Dockerfile in a context tar, or
// in a context directory.
type BuildRequest struct {
	Context    io.Reader // tar of the build context
	ContextDir string    // or the build context's directory, used in place
	// Dockerfile is a path in the context ("" is Dockerfile, or
	// Containerfile when there is one and no Dockerfile); an absolute path
	// with ContextDir may be outside the context.
	Dockerfile string
	Tags       []string // names for the result
	BuildArgs  map[string]string
	Labels     map[string]string
	Output     io.Writer // step lines and the output of RUN
	// Format is the image format of the result: "docker" (the default)
	// or "oci"; steps are committed in Docker's, which keeps every
	// instruction.
	Format string
	// IgnoreFile names the ignore file, in place of the context's
	// .containerignore or .dockerignore (with ContextDir).
	IgnoreFile string
	// Pull is the pull policy for FROM: missing (the default), always,
	// never or newer.
	Pull string
	// PodmanStyle writes Podman's step lines ("STEP 1/3: FROM ...") in
	// place of Docker's ("Step 1/3 : FROM ...").
	PodmanStyle bool
	// Target is the stage to build ("" is the last).
	Target string
	// Jobs is how many stages build at once, of those that do not need
	// each other (FROM or COPY --from an earlier stage): 0 and 1 build
	// them one after another, a negative number all at once.
	Jobs int
	// NoCache builds every step afresh (the results still go to the
	// cache unless NoLayers).
	NoCache bool
	// NoLayers keeps no step images: no cache is read or written, and
	// only the result is left.
	NoLayers bool
	// BuildRunOptions are the options of the RUN steps' containers.
	BuildRunOptions
	// Platform is the platform to build for: "" or the host's, the only
	// one pm builds for.
	Platform string
	// Auth is used to pull FROM and COPY --from images.
	Auth RegistryAuth
	// Warn receives what the build does differently from what the
	// Containerfile may expect (a HEALTHCHECK an OCI image cannot keep,
	// say); nil writes "WARNING: ..." lines to Output.
	Warn func(msg string)
}

// BuildRunOptions are the options a build's RUN steps run with; a step's
// cache key holds them, as its result may depend on them.
type BuildRunOptions struct {
	// Ulimits, Resources (cgroup limits) and ShmSize (bytes of /dev/shm;
	// 0 is the default) limit the RUN steps, as pm run's options.
	Ulimits   []specgen.Ulimit
	Resources specgen.Resources
	ShmSize   int64
	// Security holds the RUN steps' security options (a seccomp profile,
	// AppArmor, SELinux labels, masked paths), as pm run's --security-opt.
	Security specgen.Security
	// Network is the network of RUN steps: "" or "host" (the host's),
	// or "none".
	Network string
	// AddHosts are extra host:ip lines of the RUN steps' /etc/hosts.
	AddHosts []string
	// DNS, DNSSearch and DNSOptions replace the host's nameservers,
	// search domains and options in the RUN steps' /etc/resolv.conf.
	DNS, DNSSearch, DNSOptions []string `json:",omitempty"`
}

// BuildReport carries the built image's ID.
type BuildReport struct {
	ID string
}

// Validate checks the options of the build that need no image or
// context: the format, the network, the platform.
func (req *BuildRequest) Validate() error {
	switch req.Format {
	case "", "docker", "oci":
	default:
		return define.Invalidf("unrecognized image type %q: use oci or docker", req.Format)
	}
	switch req.Network {
	case "", "host", "none":
	default:
		return define.Invalidf("invalid network %q for the RUN steps: use host or none", req.Network)
	}
	if req.Platform != "" && !hostPlatform(req.Platform) {
		return define.Invalidf("platform %s: pm builds for this host's platform only, %s/%s", req.Platform, runtime.GOOS, runtime.GOARCH)
	}
	return nil
}

// Build builds an image the simple way: each RUN runs in a container of
// the image so far and is committed; COPY and ADD copy into a container
// and commit; the configuration instructions set the configuration every
// commit records. Stages run in order; a step whose inputs are unchanged
// reuses its earlier result (the layer cache). It supports every
// instruction of Docker's Dockerfile reference but heredocs and the
// options of RUN, which it refuses.
func (e *Engine) Build(ctx context.Context, req BuildRequest) (rep *BuildReport, retErr error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	// A runtime that cannot run here fails the build before it starts, as
	// any other bad option of it (exit 125, as Podman's build).
	if _, err := e.rt.OCIRuntime(""); err != nil {
		return nil, &define.ExitCodeError{Code: define.ExitPM, Err: err}
	}

	var tags []string
	for _, t := range req.Tags {
		n, err := image.NormalizeName(t)
		if err != nil {
			return nil, err
		}
		tags = append(tags, n.String())
	}
	// The build's temporary files (its context, a filtered copy) live in
	// the scratch directory, which it holds to the end.
	scratch, release, err := e.rt.HoldScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	dir := req.ContextDir
	if dir == "" {
		tmp, err := os.MkdirTemp(scratch, "build-")
		if err != nil {
			return nil, fmt.Errorf("creating build directory: %w", err)
		}
		defer os.RemoveAll(tmp)
		if err := extractContext(req.Context, tmp); err != nil {
			return nil, err
		}
		dir = tmp
	}
	name := req.Dockerfile
	if name == "" {
		name = "Dockerfile"
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			if _, err := os.Stat(filepath.Join(dir, "Containerfile")); err == nil {
				name = "Containerfile"
			}
		}
	}
	dfPath := name
	if !filepath.IsAbs(name) || req.ContextDir == "" {
		var err error
		if dfPath, err = securejoin.SecureJoin(dir, name); err != nil {
			return nil, err
		}
	}
	df, err := os.ReadFile(dfPath)
	if err != nil {
		if req.Dockerfile == "" {
			return nil, define.Invalidf("the build context has no Containerfile or Dockerfile: %s: %v", name, errors.Unwrap(err))
		}
		return nil, define.Invalidf("reading the Containerfile from the build context: %s: %v", name, errors.Unwrap(err))
	}
	ctxDir := dir
	if req.ContextDir != "" {
		// An ignore file keeps files out of the build, as the docker CLI
		// keeps them out of the context it sends: build from a filtered
		// copy.
		rules, err := readIgnore(dir, req.IgnoreFile)
		if err != nil {
			return nil, define.Invalidf("%v", err)
		}
		if len(rules) > 0 {
			tmp, err := filteredContext(dir, scratch, rules)
			if err != nil {
				return nil, err
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		}
	}
	steps, err := parseDockerfile(string(df))
	if err != nil {
		return nil, err
	}
	globals, stages, err := splitStages(steps)
	if err != nil {
		return nil, err
	}
	last := len(stages) - 1
	if req.Target != "" {
		if last = stageIndex(stages, req.Target, len(stages)); last < 0 || stages[last].name == "" {
			return nil, define.Invalidf("the target %q was not found in the provided Dockerfile", req.Target)
		}
	}
	for _, stage := range stages[:last+1] {
		for _, st := range stage.steps {
			if err := checkStep(st); err != nil {
				return nil, fmt.Errorf("building at STEP %q: %w", st.Line, err)
			}
		}
	}
	out := req.Output
	if out == nil {
		out = io.Discard
	}
	if req.Jobs > 1 || req.Jobs < 0 {
		// Stages write their lines at once.
		out = &lockedWriter{w: out}
	}
	rp := e.startBuildReaper()
	bs := &buildState{e: e, ctx: ctx, dir: dir, ctxDir: ctxDir, out: out, req: &req, reaper: rp, stages: stages,
		stageImages: map[int]string{}, cache: &buildCache{path: e.buildCachePath()}, warned: map[string]bool{}, consumed: map[string]bool{}}
	// Step containers go whatever happens, and step images unless the
	// cache keeps them.
	defer func() {
		for _, c := range bs.ctrs {
			e.rt.RemoveContainer(context.WithoutCancel(ctx), c, true, nil)
			rp.done(c)
		}
		rp.close()
		if bs.scratch != "" {
			e.ImageRemove(context.WithoutCancel(ctx), ImageRemoveRequest{Names: []string{bs.scratch}, Ignore: true, NoPrune: true})
		}
		if req.NoLayers {
			var imgs []string
			for _, id := range bs.images {
				if rep == nil || id != rep.ID {
					imgs = append(imgs, id)
				}
			}
			if len(imgs) > 0 {
				e.ImageRemove(context.WithoutCancel(ctx), ImageRemoveRequest{Names: imgs, Ignore: true, NoPrune: true})
			}
		}
	}()
	bs.globalArgs = platformArgs()
	for _, st := range globals {
		for _, a := range argWords(expandWith(st.Args, bs.globalArgs)) {
			k, v := argDefault(a)
			if bv, ok := req.BuildArgs[k]; ok {
				v = bv
				bs.consumed[k] = true
			}
			bs.globalArgs[k] = v
		}
	}
	if err := bs.buildStages(last); err != nil {
		return nil, err
	}
	var unused []string
	for k := range req.BuildArgs {
		if _, builtin := platformArgs()[k]; !builtin && !bs.consumed[k] {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		bs.warn(fmt.Sprintf("build args no ARG of the Containerfile takes, which the build did not use: %s", strings.Join(unused, ", ")))
	}
	id := bs.stageImages[last]
	if len(tags) > 0 {
		if err := e.ImageTag(ctx, id, tags); err != nil {
			return nil, err
		}
	}
	if !req.PodmanStyle {
		fmt.Fprintf(out, "Successfully built %s\n", short(id))
		tags = req.Tags
	}
	for _, t := range tags {
		fmt.Fprintf(out, "Successfully tagged %s\n", t)
	}
	return &BuildReport{ID: id}, nil
}

// argWords splits ARG's NAME[=default] ... into its declarations.
func argWords(args string) []string { return splitQuoted(args) }

// argDefault reads one ARG declaration, NAME[=default].
func argDefault(arg string) (string, string) {
	k, v, _ := strings.Cut(strings.TrimSpace(arg), "=")
	return k, strings.Trim(v, `"`)
}
