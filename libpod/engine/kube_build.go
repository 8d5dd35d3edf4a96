package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// kubeBuildFile is the Containerfile (or Dockerfile) kube play builds
// image from: the one in the directory of contextDir named as the image
// without its registry, tag or digest ("" when there is none).
func kubeBuildFile(contextDir, image string) (string, error) {
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, "@")
	name, _, _ = strings.Cut(name, ":")
	if name == "" || contextDir == "" {
		return "", nil
	}
	for _, f := range []string{"Containerfile", "Dockerfile"} {
		p := filepath.Join(contextDir, name, f)
		st, err := os.Stat(p)
		switch {
		case err == nil && st.Mode().IsRegular():
			return p, nil
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return "", fmt.Errorf("looking for %s's Containerfile: %w", image, err)
		}
	}
	return "", nil
}

// kubeBuild builds image from its directory under o.ContextDir when there
// is one, as Podman's kube play does: when the image is not present
// (unless o.Build is false), or always when o.Build is true. It reports
// whether it built.
func (e *Engine) kubeBuild(ctx context.Context, image string, o KubePlayOptions) (bool, error) {
	if o.Build != nil && !*o.Build {
		return false, nil
	}
	file, err := kubeBuildFile(o.ContextDir, image)
	if err != nil || file == "" {
		return false, err
	}
	if o.Build == nil {
		svc, err := e.rt.Images()
		if err != nil {
			return false, err
		}
		if _, err := svc.Lookup(image); err == nil {
			return false, nil
		} else if !errors.Is(err, define.ErrNoSuchImage) {
			return false, err
		}
	}
	out := o.Progress
	if out == nil {
		out = io.Discard
	}
	if _, err := e.Build(ctx, BuildRequest{ContextDir: filepath.Dir(file), Dockerfile: file, Tags: []string{image}, Output: out, PodmanStyle: true}); err != nil {
		return false, fmt.Errorf("building image %s from %s: %w", image, file, err)
	}
	return true, nil
}
