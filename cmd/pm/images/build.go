package images

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newBuildCommand, Sub: "build", Top: "build"},
		verb{Make: newBuildxCommand, Top: "buildx"})
}

// newBuildxCommand is `pm buildx build`, build under the name of Docker's
// buildx plugin, for scripts written for it.
func newBuildxCommand(name string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   name,
		Short: "Build images (an alias of pm build)",
	}
	b := newBuildCommand("build")
	b.Flags().Bool("load", false, "Load the result into local storage (where pm build always puts it)")
	cmd.AddCommand(b)
	return cmd
}

// buildFlags are build's options that need work before they reach the
// engine.
type buildFlags struct {
	tags, buildArgs, labels, ulimits  []string
	securityOpts                      []string
	dns, dnsSearch, dnsOptions        []string
	file, imgFormat, pull, ignoreFile string
	authFile, logFile, target         string
	quiet, pullNever, noCache, layers bool
	jobs                              int
}

func newBuildCommand(name string) *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   name + " [options] [CONTEXT|-]",
		Short: "Build an image from a Containerfile",
		Long: `Build an image from the Containerfile (or Dockerfile) in CONTEXT, a
directory ("." when none is given), or from stdin with "-" (an empty
context). Each RUN runs in a container of the image so far and is
committed; COPY and ADD take files of the context (ADD unpacks local tar
archives and fetches http and https URLs). Stages (FROM ... AS name,
COPY --from) build in order (with --jobs, at once where they can), and
steps whose inputs did not change come from the layer cache. Every
instruction of the Dockerfile reference takes effect, or is refused.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBuild(cmd, args, &f)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&f.tags, "tag", "t", nil, "Name of the resulting image (repeatable)")
	fs.StringVarP(&f.file, "file", "f", "", "Containerfile to use, - for stdin (default: CONTEXT/Containerfile or CONTEXT/Dockerfile)")
	fs.StringArrayVar(&f.buildArgs, "build-arg", nil, "ARG value for the build, NAME=VALUE (NAME alone takes it from the environment)")
	fs.StringArrayVar(&f.labels, "label", nil, "Label to add to the image, KEY=VALUE")
	fs.StringArrayVar(&f.securityOpts, "security-opt", nil, "Security option of the RUN steps' containers, as pm run's --security-opt (seccomp=, apparmor=, label=, mask=, ...)")
	fs.StringSliceVar(&f.dns, "dns", nil, "DNS servers of the RUN steps' /etc/resolv.conf, in place of the host's")
	fs.StringSliceVar(&f.dnsSearch, "dns-search", nil, "DNS search domains of the RUN steps' /etc/resolv.conf, in place of the host's")
	fs.StringSliceVar(&f.dnsOptions, "dns-option", nil, "DNS options of the RUN steps' /etc/resolv.conf, in place of the host's")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "Print only the ID of the built image")
	fs.StringVar(&f.imgFormat, "format", "oci", "Format of the built image's manifest and configuration: oci or docker (docker keeps HEALTHCHECK, SHELL and ONBUILD; default: $BUILDAH_FORMAT, else oci)")
	fs.StringVar(&f.ignoreFile, "ignorefile", "", "Ignore file to use in place of the context's .containerignore or .dockerignore")
	fs.StringVar(&f.pull, "pull", "missing", "Pull the FROM image: always, missing, never or newer")
	fs.Lookup("pull").NoOptDefVal = "always"
	fs.BoolVar(&f.pullNever, "pull-never", false, "Never pull the FROM image (--pull=never)")
	fs.IntVar(&f.jobs, "jobs", 1, "How many stages that do not need each other to build at once (0: no limit)")
	fs.StringArrayVar(&f.ulimits, "ulimit", nil, "Resource limit of RUN steps, name=soft[:hard] (repeatable)")
	fs.StringVar(&f.authFile, "authfile", "", "Path of the authentication file for pulling images")
	fs.StringVar(&f.logFile, "logfile", "", "Write the build's output to this file in place of stdout")
	fs.StringVar(&f.target, "target", "", "Build up to this stage and make it the result")
	fs.BoolVar(&f.noCache, "no-cache", false, "Run every step afresh, not from the layer cache")
	fs.BoolVar(&f.layers, "layers", true, "Use and keep step images as the layer cache (false: neither; default: $BUILDAH_LAYERS, else true)")
	return cmd
}

func runBuild(cmd *cobra.Command, args []string, f *buildFlags) error {
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	var scratch string
	if dir == "-" || f.file == "-" {
		// Stdin is copied to pm's scratch directory, held to the end,
		// so that a killed build leaves no copy behind.
		eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
		if err != nil {
			return err
		}
		s, release, err := eng.HoldScratch(cmd.Context())
		if err != nil {
			return err
		}
		defer release()
		scratch = s
	}
	if dir == "-" {
		// The Containerfile comes on stdin, with an empty context.
		tmp, err := stdinContext(scratch)
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
		if f.file == "-" {
			f.file = ""
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return define.Invalidf("build context %q is not a directory", dir)
	}
	file, err := containerfilePath(f.file, abs, scratch)
	if err != nil {
		return err
	}
	if f.file == "-" {
		defer os.RemoveAll(filepath.Dir(file))
	}
	// Podman's environment defaults of --layers and --format.
	if v, ok := os.LookupEnv("BUILDAH_LAYERS"); ok && !cmd.Flags().Changed("layers") {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return define.Invalidf("invalid BUILDAH_LAYERS %q: want true or false", v)
		}
		f.layers = b
	}
	if v, ok := os.LookupEnv("BUILDAH_FORMAT"); ok && v != "" && !cmd.Flags().Changed("format") {
		f.imgFormat = v
	}
	pull := f.pull
	if f.pullNever {
		pull = "never"
	}
	switch pull {
	case "always", "true":
		pull = "always"
	case "missing", "false", "":
		pull = "missing"
	case "never", "newer":
	default:
		return define.Invalidf("invalid --pull %q: use always, missing, never or newer", pull)
	}
	if f.jobs < 0 {
		return define.Invalidf("invalid --jobs %d: want 0 (no limit) or more", f.jobs)
	}
	jobs := f.jobs
	if jobs == 0 {
		jobs = -1 // no limit, as Podman's 0
	}
	req := engine.BuildRequest{ContextDir: abs, Dockerfile: file, Tags: f.tags, PodmanStyle: true,
		BuildArgs: map[string]string{}, Labels: map[string]string{}, Format: f.imgFormat, Pull: pull,
		Target: f.target, NoCache: f.noCache, NoLayers: !f.layers, Jobs: jobs}
	req.DNS, req.DNSSearch, req.DNSOptions = f.dns, f.dnsSearch, f.dnsOptions
	if f.authFile != "" {
		if _, err := os.Stat(f.authFile); err != nil {
			return define.Invalidf("checking authfile: %v", err)
		}
		req.Auth.AuthFile = f.authFile
	}
	if err := req.Security.ParseSecurityOpts(f.securityOpts, specgen.CLISecurityOpts); err != nil {
		return err
	}
	for _, u := range f.ulimits {
		l, err := specgen.ParseUlimit(u)
		if err != nil {
			return err
		}
		req.Ulimits = append(req.Ulimits, l)
	}
	if f.ignoreFile != "" {
		p, err := filepath.Abs(f.ignoreFile)
		if err != nil {
			return err
		}
		if _, err := os.Stat(p); err != nil {
			return define.Invalidf("no ignore file at %s", f.ignoreFile)
		}
		req.IgnoreFile = p
	}
	for _, a := range f.buildArgs {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			v, ok = os.LookupEnv(k)
			if !ok {
				continue // as Podman: an unset variable is no argument
			}
		}
		req.BuildArgs[k] = v
	}
	for _, l := range f.labels {
		k, v, _ := strings.Cut(l, "=")
		if k == "" {
			return define.Invalidf("invalid label %q", l)
		}
		req.Labels[k] = v
	}
	var out io.Writer = os.Stdout
	if f.logFile != "" {
		lf, err := os.OpenFile(f.logFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return define.Invalidf("opening the log file: %v", err)
		}
		defer lf.Close()
		out = lf
	}
	if f.quiet {
		out = io.Discard
	}
	req.Output = out
	req.Warn = func(msg string) { slog.Warn(msg) }
	eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
	if err != nil {
		return err
	}
	rep, err := eng.Build(cmd.Context(), req)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, strings.TrimPrefix(rep.ID, "sha256:"))
	if out != os.Stdout {
		fmt.Println(strings.TrimPrefix(rep.ID, "sha256:"))
	}
	return nil
}

// containerfilePath finds -f's file: as given (relative to the working
// directory), else relative to the context, as Podman looks; "-" is
// stdin, copied to a temporary file. "" leaves the choice to the engine.
func containerfilePath(file, contextDir, scratch string) (string, error) {
	switch {
	case file == "":
		return "", nil
	case file == "-":
		tmp, err := stdinContext(scratch)
		if err != nil {
			return "", err
		}
		return filepath.Join(tmp, "Containerfile"), nil
	case filepath.IsAbs(file):
		if _, err := os.Stat(file); err != nil {
			return "", define.Invalidf("no Containerfile at %s: %v", file, errors.Unwrap(err))
		}
		return file, nil
	}
	if abs, err := filepath.Abs(file); err == nil {
		if _, err := os.Stat(abs); err == nil {
			return abs, nil
		}
	}
	in := filepath.Join(contextDir, file)
	if _, err := os.Stat(in); err != nil {
		return "", define.Invalidf("no Containerfile at %s or %s: %v", file, in, errors.Unwrap(err))
	}
	return in, nil
}

// stdinContext makes an empty build context in scratch holding stdin as
// its Containerfile (`pm build -`, `pm build -f -`).
func stdinContext(scratch string) (string, error) {
	tmp, err := os.MkdirTemp(scratch, "pm-build-")
	if err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(tmp, "Containerfile"))
	if err == nil {
		_, err = io.Copy(f, os.Stdin)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("reading the Containerfile from stdin: %w", err)
	}
	return tmp, nil
}
