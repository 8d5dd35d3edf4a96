package system

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	subcommands = append(subcommands, newCheckCommand)
}

func newCheckCommand() *cobra.Command {
	var (
		req    engine.SystemCheckRequest
		maxAge time.Duration
	)
	cmd := &cobra.Command{
		Use:   "check [options]",
		Short: "Check storage consistency",
		Long: `Check storage (layers, images, containers), pm's state database and its
runtime files for consistency, reporting what is damaged; with --repair
remove it.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("max") {
				if maxAge < 0 {
					return define.Invalidf("invalid --max %s: must not be negative", maxAge)
				}
				req.MaxAge = &maxAge
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.SystemCheck(cmd.Context(), req)
			if rep != nil {
				printCheck(rep)
			}
			if err != nil {
				return err
			}
			if !req.Repair && !req.Force {
				if rep.Damaged() {
					return define.Errorf(define.ErrInternal, "damage detected in local storage")
				}
				return nil
			}
			again := req
			again.Repair, again.Force = false, false
			if rep, err = eng.SystemCheck(cmd.Context(), again); err != nil {
				return err
			}
			if rep.Damaged() {
				return define.Errorf(define.ErrInternal, "damage in local storage still present after repair attempt")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&req.Quick, "quick", "q", false, "Skip time-consuming checks. The default is to include time-consuming checks")
	f.BoolVarP(&req.Repair, "repair", "r", false, "Remove inconsistent images")
	f.BoolVarP(&req.Force, "force", "f", false, "Remove inconsistent images and containers")
	f.DurationVarP(&maxAge, "max", "m", 24*time.Hour, "Maximum allowed age of unreferenced layers")
	return cmd
}

// printCheck prints a report as Podman does: each damaged object with its
// errors, then what was removed.
func printCheck(rep *engine.SystemCheckReport) {
	var b strings.Builder
	damaged := func(what string, m map[string][]string) {
		ids := make([]string, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(&b, "%s %s:\n%s", what, id, errorList(m[id]))
		}
	}
	removed := func(what string, ids []string) {
		for _, id := range ids {
			fmt.Fprintf(&b, "Deleted %s: %s\n", what, id)
		}
	}
	if len(rep.Database) > 0 {
		fmt.Fprintf(&b, "Damaged state database:\n%s", errorList(rep.Database))
	}
	damaged("Damaged layer", rep.Layers)
	removed("damaged layer", rep.RemovedLayers)
	damaged("Damaged read-only layer", rep.ROLayers)
	damaged("Damaged image", rep.Images)
	removed("damaged image", rep.RemovedImages)
	damaged("Damaged read-only image", rep.ROImages)
	damaged("Damaged container", rep.Containers)
	removed("damaged container", rep.RemovedContainers)
	damaged("Damaged pod", rep.Pods)
	removed("damaged pod", rep.RemovedPods)
	damaged("Stale runtime files of removed container", rep.StaleFiles)
	removed("stale runtime files of removed container", rep.RemovedStale)
	os.Stdout.WriteString(b.String())
}

// errorList formats errors as Podman's multi-error lists do.
func errorList(errs []string) string {
	var b strings.Builder
	if len(errs) == 1 {
		b.WriteString("1 error occurred:\n")
	} else {
		fmt.Fprintf(&b, "%d errors occurred:\n", len(errs))
	}
	for _, e := range errs {
		fmt.Fprintf(&b, "\t* %s\n", e)
	}
	b.WriteString("\n")
	return b.String()
}
