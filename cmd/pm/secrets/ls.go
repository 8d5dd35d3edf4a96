package secrets

import (
	"os"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newLsCommand) }

// lsRow is one row of secret ls: Podman's fields, the times relative.
type lsRow struct {
	ID        string
	Name      string
	Driver    string
	CreatedAt string
	UpdatedAt string
}

func ago(t, now time.Time) string { return engine.HumanDuration(now.Sub(t)) + " ago" }

func newLsCommand() *cobra.Command {
	var filters []string
	var tmpl string
	var quiet, noHeading bool
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List secrets",
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if tmpl != "" && !format.IsJSON(tmpl) {
				if _, err := format.Parse(tmpl); err != nil {
					return err
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			list, err := eng.SecretList(cmd.Context(), filters)
			if err != nil {
				return err
			}
			if format.IsJSON(tmpl) {
				return format.Write(os.Stdout, list, format.Options{Format: tmpl})
			}
			now := time.Now()
			rows := make([]lsRow, 0, len(list))
			for _, s := range list {
				rows = append(rows, lsRow{ID: s.ID, Name: s.Name, Driver: s.Driver,
					CreatedAt: ago(s.CreatedAt, now), UpdatedAt: ago(s.UpdatedAt, now)})
			}
			if quiet {
				tmpl = "{{.ID}}"
			}
			return format.Write(os.Stdout, rows, format.Options{
				Format:   tmpl,
				Default:  "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
				Headers:  map[string]string{"CreatedAt": "CREATED", "UpdatedAt": "UPDATED"},
				NoHeader: noHeading,
			})
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&filters, "filter", "f", nil, "Filter secret output (name=, id=, label=)")
	fs.StringVar(&tmpl, "format", "", "Format secret output using JSON or a Go template")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Print secret IDs only")
	fs.BoolVarP(&noHeading, "noheading", "n", false, "Do not print headers")
	return cmd
}
