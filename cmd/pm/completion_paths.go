package main

import (
	"context"
	"os"
	"path"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/spf13/cobra"
)

// imagePathCompletion completes a path inside the image named img, as
// create and run do for the command and its arguments: pm mounts the
// image for the time it reads the directory, then takes its mount back.
// When that fails, the shell completes the host's files.
func imagePathCompletion(ctx context.Context, env *cli.Env, img, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	eng, err := env.Engine(ctx)
	if err != nil {
		compDebug(err)
		return nil, cobra.ShellCompDirectiveDefault
	}
	mounts, err := eng.ImageMount(ctx, []string{img}, false)
	if err != nil || len(mounts) != 1 {
		compDebug(err)
		return nil, cobra.ShellCompDirectiveDefault
	}
	defer func() {
		_, err := eng.ImageUnmount(ctx, []string{img}, false, false)
		compDebug(err)
	}()
	return pathCompletion(mounts[0].Mountpoint, toComplete)
}

// containerPathCompletion completes a path inside the container named
// ctr, as cp does after "CONTAINER:", mounting its root filesystem for
// the time it reads the directory, as imagePathCompletion.
func containerPathCompletion(ctx context.Context, env *cli.Env, ctr, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	eng, err := env.Engine(ctx)
	if err != nil {
		compDebug(err)
		return nil, cobra.ShellCompDirectiveDefault
	}
	m, err := eng.ContainerMount(ctx, ctr)
	if err != nil {
		compDebug(err)
		return nil, cobra.ShellCompDirectiveDefault
	}
	defer func() {
		_, err := eng.ContainerUnmount(ctx, m.ID, false)
		compDebug(err)
	}()
	return pathCompletion(m.Mountpoint, toComplete)
}

// pathCompletion lists the entries of the directory toComplete names
// inside root (or of its parent, those starting with its last element),
// written as typed: "../../e" gives "../../etc/". It never leaves root,
// whatever ".." or symbolic links the path holds. Directories end in "/"
// and keep the shell from adding a space; the shell's own completion
// stays on for paths the root does not have (/proc/...).
func pathCompletion(root, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if toComplete == "" {
		toComplete = "/"
	}
	dir, base := toComplete, ""
	if !strings.HasSuffix(toComplete, "/") {
		if fi, err := statIn(root, toComplete); err != nil || !fi.IsDir() {
			dir, base = path.Split(toComplete)
		}
	}
	host := root
	if dir != "" {
		var err error
		if host, err = securejoin.SecureJoin(root, dir); err != nil {
			compDebug(err)
			return nil, cobra.ShellCompDirectiveDefault
		}
	}
	entries, err := os.ReadDir(host)
	if err != nil {
		compDebug(err)
		return nil, cobra.ShellCompDirectiveDefault
	}
	if dir != "" && !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	if len(entries) == 0 && base == "" {
		return []cobra.Completion{dir}, cobra.ShellCompDirectiveNoSpace
	}
	var out []cobra.Completion
	noSpace := false
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), base) {
			continue
		}
		name := dir + e.Name()
		if fi, err := statIn(root, name); err == nil && fi.IsDir() {
			name += "/"
			noSpace = true
		}
		out = append(out, name)
	}
	d := cobra.ShellCompDirectiveDefault
	if noSpace || len(out) > 1 {
		d |= cobra.ShellCompDirectiveNoSpace
	}
	return out, d
}

// statIn stats p inside root, following symbolic links within root.
func statIn(root, p string) (os.FileInfo, error) {
	host, err := securejoin.SecureJoin(root, p)
	if err != nil {
		return nil, err
	}
	return os.Stat(host)
}
