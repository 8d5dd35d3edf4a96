package images

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newHistoryCommand, Sub: "history", Top: "history"})
}

// historyRow is one line of history output; its fields are Podman's
// template fields.
type historyRow struct {
	ID           string
	Created      string // "2 hours ago" with --human, else RFC 3339
	CreatedSince string // the same as Created, as in Podman
	CreatedAt    string // to the second, in UTC: "2022-10-18 20:00:00 +0000 UTC"
	CreatedBy    string
	Size         string
	Comment      string
	Tags         string
}

var historyHeaders = map[string]string{"CreatedBy": "CREATED BY", "CreatedAt": "CREATED AT", "CreatedSince": "CREATED"}

func newHistoryCommand(name string) *cobra.Command {
	var (
		human, noTrunc, quiet bool
		fmtFlag               string
	)
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE",
		Short: "Show the history of an image",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			hist, err := eng.ImageHistory(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if format.IsJSON(fmtFlag) {
				return format.Write(os.Stdout, hist, format.Options{Format: fmtFlag})
			}
			rows := historyRows(hist, human, noTrunc, time.Now())
			if quiet {
				var b strings.Builder
				for _, r := range rows {
					fmt.Fprintln(&b, r.ID)
				}
				_, err := os.Stdout.WriteString(b.String())
				return err
			}
			return format.Write(os.Stdout, rows, format.Options{Format: fmtFlag, Headers: historyHeaders,
				Default: "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&human, "human", "H", true, "Show sizes and dates in human-readable form")
	f.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate IDs and commands")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print only the IDs")
	f.StringVar(&fmtFlag, "format", "", "Print with a Go template, \"table ...\", or \"json\"")
	return cmd
}

func historyRows(hist []engine.ImageHistoryEntry, human, noTrunc bool, now time.Time) []historyRow {
	rows := make([]historyRow, 0, len(hist))
	for _, h := range hist {
		r := historyRow{ID: h.ID, CreatedBy: h.CreatedBy, Comment: h.Comment, Tags: strings.Join(h.Tags, ", "),
			CreatedAt: h.Created.UTC().Truncate(time.Second).String()}
		if !noTrunc {
			if r.ID != "<missing>" {
				r.ID = shortID(r.ID)
			}
			if len(r.CreatedBy) > 45 {
				r.CreatedBy = r.CreatedBy[:42] + "..."
			}
		}
		if human {
			r.Created, r.Size = humanAgo(h.Created, now), humanSize(h.Size)
		} else {
			r.Created, r.Size = h.Created.Format(time.RFC3339), fmt.Sprint(h.Size)
		}
		r.CreatedSince = r.Created
		rows = append(rows, r)
	}
	return rows
}
