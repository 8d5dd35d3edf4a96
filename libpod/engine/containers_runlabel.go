package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/pm-project/pm/pkg/systemd"
)

// RunlabelRequest says which image label Runlabel turns into a command.
type RunlabelRequest struct {
	RegistryAuth
	Label            string    // the label's key, matched regardless of case
	Image            string    // name or ID of the image
	Args             []string  // appended to the label's command
	Name             string    // the container name NAME stands for; "" derives one from Image
	Opt1, Opt2, Opt3 string    // what $OPT1, $OPT2 and $OPT3 stand for
	Dir              string    // the working directory: what $PWD stands for, and relative programs' base
	Pull             bool      // pull Image when it is not in storage
	Progress         io.Writer // pull progress; nil is silent
	Replace          bool      // remove the container the command's --name names
}

// RunlabelReport is the command an image's label describes.
type RunlabelReport struct {
	Command []string // the program and its arguments
	Self    bool     // the program is pm itself (podman, docker or pm)
	Env     []string // KEY=value to add to the environment of the command
}

// Runlabel reads the label req.Label of the image req.Image (pulled first
// when missing and req.Pull) and makes the command it describes, as
// Podman's container runlabel does: NAME and IMAGE stand for the container
// name and the image, $OPT1..$OPT3 for req's options, $PWD for req.Dir,
// and other variables for nothing. With req.Replace it removes the
// container the command names with --name.
func (e *Engine) Runlabel(ctx context.Context, req RunlabelRequest) (*RunlabelReport, error) {
	policy := "never"
	if req.Pull {
		policy = "missing"
	}
	img, imgName, err := e.resolveImage(ctx, req.Image, policy, imagePullOptions(req.RegistryAuth, req.Progress))
	if err != nil {
		return nil, err
	}
	d, err := img.Details(ctx)
	if err != nil {
		return nil, err
	}
	value := labelFold(d.Config.Config.Labels, req.Label)
	if value == "" {
		return nil, define.Errorf(define.ErrNotFound, "cannot find the value of label: %s in image: %s", req.Label, req.Image)
	}
	if len(img.Names()) == 0 {
		imgName = img.ID()
	}
	name := req.Name
	if name == "" {
		base := req.Image
		if strings.HasPrefix(img.ID(), strings.TrimPrefix(req.Image, "sha256:")) {
			base = imgName
		}
		name = runlabelName(base)
	}
	if name == "" {
		name = imgName
	}
	opts := map[string]string{"OPT1": req.Opt1, "OPT2": req.Opt2, "OPT3": req.Opt3}
	argv, err := runlabelCommand(value, req.Args, func(k string) string {
		switch k {
		case "NAME":
			return name
		case "IMAGE":
			return imgName
		case "PWD":
			return req.Dir
		}
		return opts[k] // any other variable is empty, as in Podman
	})
	if err != nil {
		return nil, fmt.Errorf("label %s of image %s: %w", req.Label, req.Image, err)
	}
	rep := &RunlabelReport{Command: argv, Env: []string{"PODMAN_RUNLABEL_NESTED=1"}}
	switch filepath.Base(argv[0]) {
	case "pm", "podman", "docker":
		rep.Self = true
	default:
		if strings.Contains(argv[0], "/") && !filepath.IsAbs(argv[0]) {
			argv[0] = filepath.Join(req.Dir, argv[0])
		}
	}
	for _, k := range []string{"OPT1", "OPT2", "OPT3"} {
		if opts[k] != "" {
			rep.Env = append(rep.Env, k+"="+opts[k])
		}
	}
	if req.Replace {
		if n := flagValue(argv[1:], "--name"); n != "" {
			if err := e.replaceExisting(ctx, &specgen.Spec{Name: n, Replace: true}); err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

// imagePullOptions are the options of a pull with auth, progress on w.
func imagePullOptions(auth RegistryAuth, w io.Writer) image.PullOptions {
	return image.PullOptions{RegistryOptions: auth.options(), Progress: w}
}

// labelFold returns the value of the label key, its case ignored; of
// labels differing only in case, the exact one wins, else the first in
// order.
func labelFold(labels map[string]string, key string) string {
	if v, ok := labels[key]; ok {
		return v
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if strings.EqualFold(k, key) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	return labels[keys[0]]
}

// runlabelName is the container name an image reference gives: its last
// path part without tag or digest.
func runlabelName(ref string) string {
	ref = ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.IndexAny(ref, ":@"); i >= 0 {
		ref = ref[:i]
	}
	return ref
}

// runlabelCommand splits a label's value, with args appended, into a
// command: words NAME and IMAGE, and a trailing =NAME or =IMAGE, become
// the variables' values, then every $VAR and ${VAR} is expanded by vars
// and the result split again, so that an empty variable leaves no word
// and a value with spaces gives several, as in Podman. A word that was
// quoted in the label stays one word.
func runlabelCommand(value string, args []string, vars func(string) string) ([]string, error) {
	if len(args) > 0 {
		value += " " + strings.Join(args, " ")
	}
	words, err := systemd.SplitWords(value)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, define.Invalidf("no command in %q", value)
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		if i > 0 {
			for _, v := range []string{"NAME", "IMAGE"} {
				if w == v {
					w = "${" + v + "}"
				} else if s, ok := strings.CutSuffix(w, "="+v); ok {
					w = s + "=${" + v + "}"
				}
			}
		}
		quoted[i] = quoteWord(w)
	}
	argv, err := systemd.SplitWords(os.Expand(strings.Join(quoted, " "), vars))
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, define.Invalidf("no command in %q", value)
	}
	return argv, nil
}

// quoteWord quotes w for systemd.SplitWords when it holds a blank, a
// quote or a backslash, or is empty, so that splitting gives w back.
func quoteWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\n\r'\"\\") {
		return w
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(w) + "'"
}

// flagValue returns the value of the long flag f among args (--f V or
// --f=V), "" when it is not there.
func flagValue(args []string, f string) string {
	for i, a := range args {
		if a == f && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, f+"="); ok {
			return v
		}
	}
	return ""
}
