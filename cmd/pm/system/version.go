package system

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	topLevel = append(topLevel, newVersionCommand)
}

// versionReport is Podman's `version` shape: {{.Client.Version}} and
// {{.Server.Version}}. pm has no server apart from itself, so Server is
// the same as Client, as with a local podman.
type versionReport struct {
	Client engineVersion
	Server engineVersion
}

type engineVersion struct {
	APIVersion string
	Version    string
	GoVersion  string
	GitCommit  string
	BuiltTime  string
	Built      int64
	OsArch     string
	Os         string
}

func newVersionCommand() *cobra.Command {
	var fmtFlag string
	cmd := &cobra.Command{
		Use:   "version [options]",
		Short: "Show the pm version",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := engine.Version()
			rep := versionReport{Client: engineVersion(v), Server: engineVersion(v)}
			if fmtFlag != "" {
				return format.Write(os.Stdout, rep, format.Options{Format: fmtFlag})
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "Version:\t%s\n", v.Version)
			fmt.Fprintf(w, "API Version:\t%s\n", v.APIVersion)
			fmt.Fprintf(w, "Go Version:\t%s\n", v.GoVersion)
			if v.GitCommit != "" {
				fmt.Fprintf(w, "Git Commit:\t%s\n", v.GitCommit)
			}
			if v.BuiltTime != "" {
				fmt.Fprintf(w, "Built:\t%s\n", v.BuiltTime)
			}
			fmt.Fprintf(w, "OS/Arch:\t%s\n", v.OsArch)
			return w.Flush()
		},
	}
	cmd.Flags().StringVarP(&fmtFlag, "format", "f", "", "Print with a Go template, or \"json\"")
	return cmd
}
