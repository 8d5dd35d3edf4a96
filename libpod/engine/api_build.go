package engine

import (
	"archive/tar"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
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
}

// BuildReport carries the built image's ID.
type BuildReport struct {
	ID string
}

// buildStep is one Dockerfile instruction.
type buildStep struct {
	Cmd, Args string
	Line      string
}

// Build builds an image the simple way: each RUN runs in a container of
// the image so far and is committed; COPY and ADD copy into a container
// and commit; config instructions ride along on every commit. It supports
// FROM, RUN, COPY, ADD (local files), ENV, WORKDIR, CMD, ENTRYPOINT,
// EXPOSE, LABEL, USER, ARG and VOLUME; one stage.
func (e *Engine) Build(ctx context.Context, req BuildRequest) (rep *BuildReport, retErr error) {
	dir := req.ContextDir
	if dir == "" {
		tmp, err := os.MkdirTemp(e.rt.Config().TmpDir, "build-")
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
		return nil, define.Invalidf("reading %s from the build context: %v", name, errors.Unwrap(err))
	}
	if req.ContextDir != "" {
		// An ignore file keeps files out of the build, as the docker CLI
		// keeps them out of the context it sends: build from a filtered
		// copy.
		rules, err := readIgnore(dir, req.IgnoreFile)
		if err != nil {
			return nil, define.Invalidf("%v", err)
		}
		if len(rules) > 0 {
			tmp, err := filteredContext(dir, "", rules)
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
	if len(steps) == 0 || steps[0].Cmd != "FROM" {
		if !(len(steps) > 0 && steps[0].Cmd == "ARG") {
			return nil, define.Invalidf("Dockerfile must begin with FROM")
		}
	}
	out := req.Output
	if out == nil {
		out = io.Discard
	}
	switch req.Format {
	case "", "docker", "oci":
	default:
		return nil, define.Invalidf("unrecognized image type %q: use oci or docker", req.Format)
	}
	b := &builder{e: e, ctx: ctx, dir: dir, out: out, args: map[string]string{}, env: map[string]string{}, pull: req.Pull}
	// Step containers and images go whatever happens.
	defer func() {
		for _, c := range b.ctrs {
			e.rt.RemoveContainer(context.WithoutCancel(ctx), c, true, nil)
		}
		var imgs []string
		for _, id := range b.steps {
			if rep == nil || id != rep.ID {
				imgs = append(imgs, id)
			}
		}
		if len(imgs) > 0 {
			e.ImageRemove(context.WithoutCancel(ctx), ImageRemoveRequest{Names: imgs, Ignore: true})
		}
	}()
	for k, v := range req.BuildArgs {
		b.args[k] = v
	}
	for i, st := range steps {
		if req.PodmanStyle {
			fmt.Fprintf(out, "STEP %d/%d: %s\n", i+1, len(steps), st.Line)
		} else {
			fmt.Fprintf(out, "Step %d/%d : %s\n", i+1, len(steps), st.Line)
		}
		if err := b.step(st, req.BuildArgs); err != nil {
			return nil, fmt.Errorf("step %d (%s): %w", i+1, st.Line, err)
		}
		if b.image != "" && !req.PodmanStyle {
			fmt.Fprintf(out, " ---> %s\n", short(b.image))
		}
	}
	if b.image == "" {
		return nil, define.Invalidf("Dockerfile has no FROM")
	}
	for k, v := range req.Labels {
		b.changes = append(b.changes, "LABEL "+strconvQuote(k)+"="+strconvQuote(v))
	}
	ref := ""
	if len(req.Tags) > 0 {
		ref = req.Tags[0]
	}
	format := req.Format
	if format == "" {
		format = "docker"
	}
	id, err := b.commit(nil, ref, format)
	if err != nil {
		return nil, err
	}
	if len(req.Tags) > 1 {
		if err := e.ImageTag(ctx, id, req.Tags[1:]); err != nil {
			return nil, err
		}
	}
	if req.PodmanStyle {
		fmt.Fprintf(out, "COMMIT %s\n--> %s\n", ref, short(id))
	} else {
		fmt.Fprintf(out, "Successfully built %s\n", short(id))
	}
	for _, t := range req.Tags {
		fmt.Fprintf(out, "Successfully tagged %s\n", t)
	}
	return &BuildReport{ID: id}, nil
}

func short(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// builder is the state of one build.
type builder struct {
	e       *Engine
	ctx     context.Context
	dir     string
	out     io.Writer
	image   string            // the image so far
	args    map[string]string // ARG values
	env     map[string]string // ENV so far (for expansion)
	changes []string          // config instructions so far
	workdir string
	user    string
	ctrs    []string // containers to remove at the end
	pull    string   // the pull policy for FROM
	// steps are the images committed between steps: no build reuses
	// them, so they go at the end.
	steps []string
}

var varRef = regexp.MustCompile(`\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`)

// expand replaces $VAR and ${VAR} with ENV and ARG values.
func (b *builder) expand(s string) string {
	return varRef.ReplaceAllStringFunc(s, func(m string) string {
		k := strings.Trim(m[1:], "{}")
		if v, ok := b.env[k]; ok {
			return v
		}
		if v, ok := b.args[k]; ok {
			return v
		}
		return ""
	})
}

func (b *builder) step(st buildStep, buildArgs map[string]string) error {
	args := st.Args
	if st.Cmd != "RUN" && st.Cmd != "CMD" && st.Cmd != "ENTRYPOINT" {
		args = b.expand(args)
	}
	switch st.Cmd {
	case "FROM":
		f := strings.Fields(args)
		if len(f) == 0 {
			return define.Invalidf("FROM needs an image")
		}
		policy := b.pull
		if policy == "" {
			policy = "missing"
		}
		img, _, err := b.e.resolveImage(b.ctx, f[0], policy)
		if err != nil {
			return err
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
	case "ARG":
		k, v, hasV := strings.Cut(args, "=")
		if bv, ok := buildArgs[k]; ok {
			v, hasV = bv, true
		}
		if hasV {
			b.args[k] = strings.Trim(v, `"`)
		} else if _, ok := b.args[k]; !ok {
			b.args[k] = ""
		}
	case "ENV":
		pairs := envPairs(args)
		for _, kv := range pairs {
			b.env[kv[0]] = kv[1]
			b.changes = append(b.changes, "ENV "+kv[0]+"="+strconvQuote(kv[1]))
		}
	case "WORKDIR":
		if !strings.HasPrefix(args, "/") {
			args = filepath.Join("/", b.workdir, args)
		}
		b.workdir = args
		b.changes = append(b.changes, "WORKDIR "+args)
	case "USER":
		b.user = args
		b.changes = append(b.changes, "USER "+args)
	case "CMD", "ENTRYPOINT":
		b.changes = append(b.changes, st.Cmd+" "+jsonOrShell(args))
	case "EXPOSE", "LABEL", "VOLUME":
		b.changes = append(b.changes, st.Cmd+" "+args)
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

// jsonOrShell turns a shell-form CMD into its exec form.
func jsonOrShell(args string) string {
	if strings.HasPrefix(strings.TrimSpace(args), "[") {
		return args
	}
	return strconvQuoteList([]string{"/bin/sh", "-c", args})
}

func strconvQuoteList(l []string) string { b, _ := json.Marshal(l); return string(b) }

// envPairs reads ENV's KEY=VALUE ... or KEY VALUE forms.
func envPairs(s string) [][2]string {
	if !strings.Contains(strings.SplitN(s, " ", 2)[0], "=") {
		k, v, _ := strings.Cut(s, " ")
		return [][2]string{{k, strings.TrimSpace(v)}}
	}
	var out [][2]string
	for _, f := range splitQuoted(s) {
		k, v, _ := strings.Cut(f, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

// splitQuoted splits on spaces outside double quotes, dropping the quotes.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	inQ, any := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQ, any = !inQ, true
		case r == ' ' && !inQ:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

// container creates a container of the current image running cmd.
func (b *builder) container(cmd []string) (string, error) {
	s := &specgen.Spec{Image: b.image, Command: cmd, Env: map[string]string{}, WorkDir: b.workdir,
		User: b.user, PullPolicy: "never", NetworkMode: "host", Created: time.Now()}
	if cmd != nil {
		s.Entrypoint = []string{}
	}
	if cmd != nil {
		// ARG values are in the environment of RUN, as Docker's builder has them.
		for k, v := range b.args {
			s.Env[k] = v
		}
	}
	for k, v := range b.env {
		s.Env[k] = v
	}
	rep, err := b.e.ContainerCreate(b.ctx, s)
	if err != nil {
		return "", err
	}
	b.ctrs = append(b.ctrs, rep.ID)
	return rep.ID, nil
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
	id, err := b.container(cmd)
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
	_, err = b.commit(&id, "", "docker")
	return err
}

func (b *builder) copy(kind, args string) error {
	f := splitQuoted(args)
	var srcs []string
	for _, a := range f {
		if strings.HasPrefix(a, "--") {
			if strings.HasPrefix(a, "--from") {
				return define.Invalidf("%s --from is not supported: pm builds one stage", kind)
			}
			continue
		}
		srcs = append(srcs, a)
	}
	if len(srcs) < 2 {
		return define.Invalidf("%s needs a source and a destination", kind)
	}
	dst := srcs[len(srcs)-1]
	srcs = srcs[:len(srcs)-1]
	if !strings.HasPrefix(dst, "/") {
		d := filepath.Join("/", b.workdir, dst)
		if strings.HasSuffix(dst, "/") {
			d += "/"
		}
		dst = d
	}
	for _, s := range srcs {
		if strings.Contains(s, "://") {
			return define.Invalidf("%s of a URL is not supported", kind)
		}
	}
	id, err := b.container(nil)
	if err != nil {
		return err
	}
	multi := len(srcs) > 1 || strings.HasSuffix(dst, "/")
	for _, s := range srcs {
		hp, err := securejoin.SecureJoin(b.dir, s)
		if err != nil {
			return err
		}
		fi, err := os.Stat(hp)
		if err != nil {
			return define.Invalidf("%s %s: not in the build context", kind, s)
		}
		target := dst
		if fi.IsDir() {
			// A directory's contents are copied, not the directory.
			hp += "/."
		} else if multi {
			target = strings.TrimSuffix(dst, "/") + "/" + filepath.Base(hp)
		}
		if err := b.ensureParent(id, target, fi.IsDir()); err != nil {
			return err
		}
		err = b.e.ContainerCopy(b.ctx, ContainerCopyRequest{
			Source: CopyEnd{Path: hp}, Dest: CopyEnd{Container: id, Path: target}, Archive: true, Overwrite: true,
		})
		if err != nil {
			return err
		}
	}
	_, err = b.commit(&id, "", "docker")
	return err
}

// ensureParent makes the directories above target (and target, for a
// directory source) in the container, as COPY creates them.
func (b *builder) ensureParent(id, target string, dir bool) error {
	p := filepath.Dir(target)
	if dir {
		p = filepath.Clean(target)
	}
	var missing []string
	for ; p != "/" && p != "."; p = filepath.Dir(p) {
		if _, err := b.e.ContainerStat(b.ctx, id, p); err == nil {
			break
		}
		missing = append([]string{strings.TrimPrefix(p, "/")}, missing...)
	}
	if len(missing) == 0 {
		return nil
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		for _, m := range missing {
			tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: m + "/", Mode: 0o755, ModTime: time.Now()})
		}
		pw.CloseWithError(tw.Close())
	}()
	return b.e.ContainerCopy(b.ctx, ContainerCopyRequest{
		Source: CopyEnd{Path: "-"}, Dest: CopyEnd{Container: id, Path: "/"}, Archive: true, Stdin: pr,
	})
}

// commit commits a container (a fresh one of the current image when id is
// nil) with every config change so far.
func (b *builder) commit(id *string, ref, format string) (string, error) {
	if id == nil {
		cid, err := b.container(nil)
		if err != nil {
			return "", err
		}
		id = &cid
	}
	changes := append([]string{}, b.changes...)
	rep, err := b.e.ContainerCommit(b.ctx, ContainerCommitRequest{Container: *id, Reference: ref, Changes: changes, Format: format})
	if err != nil {
		return "", err
	}
	b.image = rep.ID
	if ref == "" {
		b.steps = append(b.steps, rep.ID)
	}
	b.e.rt.RemoveContainer(context.WithoutCancel(b.ctx), *id, true, nil)
	return rep.ID, nil
}

// parseDockerfile splits a Dockerfile into instructions, joining
// continuation lines and dropping comments.
func parseDockerfile(s string) ([]buildStep, error) {
	var steps []buildStep
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	flush := func() error {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return nil
		}
		cmd, args, _ := strings.Cut(line, " ")
		steps = append(steps, buildStep{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args), Line: line})
		return nil
	}
	for sc.Scan() {
		l := sc.Text()
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			cur.WriteString(strings.TrimSuffix(t, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(t)
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return steps, sc.Err()
}

// extractContext unpacks the build context tar into dir, refusing paths
// that leave it.
func extractContext(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return define.Invalidf("reading build context: %v", err)
		}
		p, err := securejoin.SecureJoin(dir, h.Name)
		if err != nil {
			return err
		}
		mode := os.FileMode(h.Mode).Perm()
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode|0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			f.Close()
			if err != nil {
				return fmt.Errorf("extracting %s: %w", h.Name, err)
			}
		case tar.TypeSymlink:
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		}
	}
}
