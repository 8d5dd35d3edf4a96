package images

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{mk: newBuildCommand, sub: "build", top: "build"})
}

func newBuildCommand(name string) *cobra.Command {
	var tags, buildArgs, labels []string
	var file, imgFormat, pull, ignoreFile string
	var quiet, pullNever bool
	var jobs int
	cmd := &cobra.Command{
		Use:   name + " [options] [CONTEXT|-]",
		Short: "Build an image from a Containerfile",
		Long: `Build an image from the Containerfile (or Dockerfile) in CONTEXT, a
directory ("." when none is given), or from stdin with "-" (an empty
context). Each RUN runs in a container of the
image so far and is committed; COPY and ADD take local files of the
context. One stage: FROM, RUN, COPY, ADD, ENV, WORKDIR, CMD, ENTRYPOINT,
EXPOSE, LABEL, USER, ARG and VOLUME.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if dir == "-" {
				// The Containerfile comes on stdin, with an empty context.
				tmp, err := stdinContext()
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				dir = tmp
			}
			abs, err := filepath.Abs(dir)
			if err != nil {
				return err
			}
			if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
				return define.Invalidf("build context %q is not a directory", dir)
			}
			if file != "" && file != "-" {
				if file, err = filepath.Abs(file); err != nil {
					return err
				}
				if _, err := os.Stat(file); err != nil {
					return define.Invalidf("no Containerfile at %s", file)
				}
			}
			if pullNever {
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
			req := engine.BuildRequest{ContextDir: abs, Dockerfile: file, Tags: tags, PodmanStyle: true,
				BuildArgs: map[string]string{}, Labels: map[string]string{}, Format: imgFormat, Pull: pull}
			if ignoreFile != "" {
				p, err := filepath.Abs(ignoreFile)
				if err != nil {
					return err
				}
				if _, err := os.Stat(p); err != nil {
					return define.Invalidf("no ignore file at %s", ignoreFile)
				}
				req.IgnoreFile = p
			}
			for _, a := range buildArgs {
				k, v, ok := strings.Cut(a, "=")
				if !ok {
					v, ok = os.LookupEnv(k)
					if !ok {
						continue // as Podman: an unset variable is no argument
					}
				}
				req.BuildArgs[k] = v
			}
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				if k == "" {
					return define.Invalidf("invalid label %q", l)
				}
				req.Labels[k] = v
			}
			var out io.Writer = os.Stdout
			if quiet {
				out = io.Discard
			}
			req.Output = out
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.Build(cmd.Context(), req)
			if err != nil {
				return err
			}
			fmt.Println(strings.TrimPrefix(rep.ID, "sha256:"))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&tags, "tag", "t", nil, "Name of the resulting image (repeatable)")
	fs.StringVarP(&file, "file", "f", "", "Containerfile to use (default: CONTEXT/Containerfile or CONTEXT/Dockerfile)")
	fs.StringArrayVar(&buildArgs, "build-arg", nil, "ARG value for the build, NAME=VALUE (NAME alone takes it from the environment)")
	fs.StringArrayVar(&labels, "label", nil, "Label to add to the image, KEY=VALUE")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Print only the ID of the built image")
	fs.StringVar(&imgFormat, "format", "oci", "Format of the built image's manifest and configuration: oci or docker")
	fs.StringVar(&ignoreFile, "ignorefile", "", "Ignore file to use in place of the context's .containerignore or .dockerignore")
	fs.StringVar(&pull, "pull", "missing", "Pull the FROM image: always, missing, never or newer")
	fs.Lookup("pull").NoOptDefVal = "always"
	fs.BoolVar(&pullNever, "pull-never", false, "Never pull the FROM image (--pull=never)")
	fs.IntVar(&jobs, "jobs", 1, "How many stages to build at once (pm builds one stage: any value is one)")
	return cmd
}

// stdinContext makes an empty build context holding stdin as its
// Containerfile (`pm build -`).
func stdinContext() (string, error) {
	tmp, err := os.MkdirTemp("", "pm-build-")
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
