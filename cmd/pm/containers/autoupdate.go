package containers

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/createflags"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() {
	verbs = append(verbs, verb{Make: newAutoUpdateCommand, Top: "auto-update"})
}

// autoUpdateRow is one line of the report, with Podman's field names.
type autoUpdateRow struct {
	Unit          string
	Container     string
	ContainerName string
	ContainerID   string
	Image         string
	Policy        string
	Updated       string
}

func newAutoUpdateCommand(name string) *cobra.Command {
	var o engine.AutoUpdateOptions
	var tlsVerify bool
	var fmtFlag string
	cmd := &cobra.Command{
		Use:   name + " [options]",
		Short: "Auto update containers according to their auto-update policy",
		Long: `Update the running containers labelled io.containers.autoupdate=registry (the
registry has a newer image for their image's name) or =local (local storage
has). A container run by a systemd unit (PODMAN_SYSTEMD_UNIT label) is
restarted through its unit; pm recreates any other from its create command.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return define.Invalidf("`%s` takes no arguments", cmd.CommandPath())
			}
			if cmd.Flags().Changed("tls-verify") {
				o.TLSVerify = &tlsVerify
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			o.Progress = os.Stderr
			o.SpecOf = func(argv []string) (*specgen.Spec, error) { return specOfCreateCommand(cmd.Root(), argv) }
			reps, errs := eng.AutoUpdate(cmd.Context(), o)
			if reps != nil {
				rows := make([]autoUpdateRow, 0, len(reps))
				for _, r := range reps {
					rows = append(rows, autoUpdateRow{
						Unit: r.Unit, Container: fmt.Sprintf("%s (%s)", shortID(r.ContainerID), r.ContainerName),
						ContainerName: r.ContainerName, ContainerID: r.ContainerID,
						Image: r.Image, Policy: r.Policy, Updated: r.Updated,
					})
				}
				err := format.Write(os.Stdout, rows, format.Options{
					Format:  fmtFlag,
					Default: "table {{.Unit}}\t{{.Container}}\t{{.Image}}\t{{.Policy}}\t{{.Updated}}",
				})
				if err != nil {
					errs = append(errs, err)
				}
			}
			return joinErrors(errs)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.AuthFile, "authfile", "", "Path of the authentication file (default: the one pm login writes)")
	fs.BoolVar(&o.DryRun, "dry-run", false, "Check for pending updates")
	fs.StringVar(&fmtFlag, "format", "", "Change the output format to JSON or a Go template")
	fs.BoolVar(&o.Rollback, "rollback", true, "Rollback to previous image if update fails")
	fs.BoolVar(&tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when contacting registries")
	return cmd
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// joinErrors prints all errors but the last on stderr, one line each, and
// returns the last. Whatever failed, auto-update's exit code is pm's own,
// 125, as Podman's: a container's failure to start is not a command of
// auto-update's that was not found.
func joinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for _, err := range errs[:len(errs)-1] {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	}
	return &define.ExitCodeError{Code: define.ExitPM, Err: errs[len(errs)-1]}
}

// specOfCreateCommand parses a container's create command line,
// `pm [global options] [container] run|create [options] IMAGE [COMMAND...]`,
// into the Spec pm run would make of it. The global options are skipped:
// they chose the storage the container is already in.
func specOfCreateCommand(root *cobra.Command, argv []string) (*specgen.Spec, error) {
	if len(argv) < 2 {
		return nil, define.Invalidf("empty create command")
	}
	// Copies of the global flags, so that parsing them changes nothing.
	globals := pflag.NewFlagSet("pm", pflag.ContinueOnError)
	globals.SetInterspersed(false)
	globals.SetOutput(io.Discard)
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		c := *f
		c.Value = ignoredValue(f.Value.Type())
		globals.AddFlag(&c)
	})
	if err := globals.Parse(argv[1:]); err != nil {
		return nil, define.Invalidf("parsing %q: %v", strings.Join(argv, " "), err)
	}
	rest := globals.Args()
	if len(rest) > 0 && (rest[0] == "container" || rest[0] == "containers") {
		rest = rest[1:]
	}
	if len(rest) == 0 || (rest[0] != "run" && rest[0] != "create") {
		return nil, define.Invalidf("%q is not a pm run or pm create command", strings.Join(argv, " "))
	}
	var f createflags.Flags
	fs := pflag.NewFlagSet(rest[0], pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.Bind(fs)
	if rest[0] == "run" {
		fs.BoolP("detach", "d", false, "")
		fs.Bool("rmi", false, "")
	}
	if err := fs.Parse(rest[1:]); err != nil {
		return nil, define.Invalidf("parsing %q: %v", strings.Join(argv, " "), err)
	}
	if fs.NArg() < 1 {
		return nil, define.Invalidf("%q names no image", strings.Join(argv, " "))
	}
	// run's --detach and --rmi do not apply: the container pm recreates
	// runs detached, and keeps its image.
	return f.Spec(fs, fs.Args())
}

// ignoredValue is a flag value that takes anything and keeps nothing.
type ignoredValue string

func (v ignoredValue) String() string   { return "" }
func (v ignoredValue) Set(string) error { return nil }
func (v ignoredValue) Type() string     { return string(v) }
