// Package containers holds pm's container commands: pm container ..., and
// their top-level forms (pm run, pm ps, pm rm, ...).
package containers

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// verb is one container command (see cli.Verb).
type verb = cli.Verb

// verbs are filled by each verb's file in init().
var verbs []verb

// Register adds `pm container` with its subcommands, and the top-level
// container commands, to root.
func Register(root *cobra.Command) {
	ctr := &cobra.Command{
		Use:     "container",
		Aliases: []string{"containers"},
		Short:   "Manage containers",
	}
	cli.AddVerbs(root, ctr, verbs, withLatest)
}

// latestVerbs take Podman's --latest (-l) through withLatest; the other
// verbs that take it handle it themselves.
var latestVerbs = map[string]bool{
	"kill": true, "rm": true, "stop": true, "restart": true, "pause": true, "unpause": true,
	"start": true, "wait": true, "init": true, "cleanup": true, "mount": true, "unmount": true,
	"diff": true, "export": true, "update": true, "checkpoint": true, "restore": true,
}

// withLatest gives cmd --latest: the latest container pm created stands
// for the container arguments.
func withLatest(cmd *cobra.Command) *cobra.Command {
	if !latestVerbs[cmd.Name()] || cmd.Flags().Lookup("latest") != nil {
		return cmd
	}
	var latest bool
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	args, run := cmd.Args, cmd.RunE
	cmd.Args = func(c *cobra.Command, a []string) error {
		if latest {
			if len(a) > 0 {
				return define.Invalidf("--latest and containers cannot be used together")
			}
			return nil
		}
		if args != nil {
			return args(c, a)
		}
		return nil
	}
	cmd.RunE = func(c *cobra.Command, a []string) error {
		if latest {
			if all, _ := c.Flags().GetBool("all"); all {
				return define.Invalidf("--all and --latest cannot be used together")
			}
			eng, err := engineOf(c)
			if err != nil {
				return err
			}
			id, err := eng.LatestContainer(c.Context())
			if err != nil {
				return err
			}
			a = []string{id}
		}
		return run(c, a)
	}
	return cmd
}

func engineOf(cmd *cobra.Command) (*engine.Engine, error) {
	return cli.FromCmd(cmd).Engine(cmd.Context())
}

// forEach runs fn on every name, printing what fn returns; errors but the
// last are printed, the last is returned, as Podman does.
func forEach(ctx context.Context, names []string, fn func(ctx context.Context, name string) (string, error)) error {
	var last error
	for _, n := range names {
		out, err := fn(ctx, n)
		if err != nil {
			if last != nil {
				fmt.Fprintf(os.Stderr, "Error: %s\n", last)
			}
			last = err
			continue
		}
		if out != "" {
			fmt.Println(out)
		}
	}
	return last
}

// parallelWorkers bounds how many containers a verb works on at once: the
// work is mostly waiting for processes (the runtime, conmon, a stop
// timeout) and for the locks of storage and the database, so several per
// CPU; storage's deletions gather into batches the larger for it (rm -fa
// of 100 created containers, medians of 5 on 2 CPUs: 354 ms with 3 per
// CPU, 312 ms with 6).
var parallelWorkers = 6 * runtime.NumCPU()

// forEachParallel is forEach for verbs whose containers are independent
// (rm, stop, kill): fn runs on several names at once, each under its own
// container lock, a container's dependents before it (the engine's
// levels). Output and errors come in names' order once all are done, as
// forEach prints them.
func forEachParallel(ctx context.Context, eng *engine.Engine, names []string, fn func(ctx context.Context, name string) (string, error)) error {
	if len(names) < 2 {
		return forEach(ctx, names, fn)
	}
	levels, err := eng.ContainerLevels(ctx, names)
	if err != nil {
		return err
	}
	outs := make([]string, len(names))
	errs := make([]error, len(names))
	sem := make(chan struct{}, parallelWorkers)
	for lv := 0; ; lv++ {
		var wg sync.WaitGroup
		more := false
		for i, n := range names {
			if levels[i] > lv {
				more = true
			}
			if levels[i] != lv {
				continue
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				defer define.Recover("working on container "+n, &errs[i])
				outs[i], errs[i] = fn(ctx, n)
			}()
		}
		wg.Wait()
		if !more {
			break
		}
	}
	i := 0
	return forEach(ctx, names, func(context.Context, string) (string, error) {
		defer func() { i++ }()
		return outs[i], errs[i]
	})
}

// targets returns the containers a multi-container verb acts on: args, or
// every (running) container with --all.
func targets(ctx context.Context, eng *engine.Engine, args []string, all, running bool) ([]string, error) {
	if !all {
		return args, nil
	}
	return eng.ContainerIDs(ctx, running)
}
