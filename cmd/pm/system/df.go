package system

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newDfCommand) }

// dfSummary is one row of pm system df's table.
type dfSummary struct {
	Type           string
	Total          int
	Active         int
	RawSize        int64
	RawReclaimable int64
	Size           string
	Reclaimable    string
	TotalCount     int
}

func newDfCommand() *cobra.Command {
	var verbose bool
	var tmpl string
	cmd := &cobra.Command{
		Use:   "df [options]",
		Short: "Show pm disk usage",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if verbose && tmpl != "" {
				return define.Invalidf("cannot combine --format and --verbose flags")
			}
			if tmpl != "" && !format.IsJSON(tmpl) {
				if _, err := format.Parse(tmpl); err != nil {
					return err
				}
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			du, err := eng.SystemDf(cmd.Context())
			if err != nil {
				return err
			}
			if verbose {
				return printVerbose(du)
			}
			return format.Write(os.Stdout, summarize(du), format.Options{
				Format:  tmpl,
				Default: "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
			})
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "Show detailed information on disk usage")
	cmd.Flags().StringVar(&tmpl, "format", "", "Pretty-print disk usage using JSON or a Go template")
	return cmd
}

func summarize(du *engine.DiskUsage) []dfSummary {
	row := func(typ string, total, active int, size, recl int64) dfSummary {
		pct := 0
		if size > 0 {
			pct = int(float64(recl) / float64(size) * 100)
		}
		return dfSummary{Type: typ, Total: total, TotalCount: total, Active: active, RawSize: size, RawReclaimable: recl,
			Size: dfSize(size), Reclaimable: fmt.Sprintf("%s (%d%%)", dfSize(recl), pct)}
	}
	var isz, irecl int64
	iact := 0
	for _, i := range du.Images {
		isz += i.Size
		if i.Containers > 0 {
			iact++
		} else {
			irecl += i.Size
		}
	}
	var csz, crecl int64
	cact := 0
	for _, c := range du.Containers {
		csz += c.Size
		if c.Active {
			cact++
		} else {
			crecl += c.Size
		}
	}
	var vsz, vrecl int64
	vact := 0
	for _, v := range du.Volumes {
		vsz += v.Size
		vrecl += v.ReclaimableSize
		if v.Links > 0 {
			vact++
		}
	}
	return []dfSummary{
		row("Images", len(du.Images), iact, isz, irecl),
		row("Containers", len(du.Containers), cact, csz, crecl),
		row("Local Volumes", len(du.Volumes), vact, vsz, vrecl),
	}
}

// dfSize formats bytes as Podman's df does: "5.865MB", "0B".
func dfSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.4g%s", f, units[i])
}

func printVerbose(du *engine.DiskUsage) error {
	var b strings.Builder
	now := time.Now()
	b.WriteString("Images space usage:\n\n")
	var rows [][]string
	rows = append(rows, []string{"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"})
	for _, i := range du.Images {
		rows = append(rows, []string{i.Repository, i.Tag, short(i.ImageID), ago(now, i.Created), dfSize(i.Size),
			dfSize(i.SharedSize), dfSize(i.UniqueSize), fmt.Sprint(i.Containers)})
	}
	table(&b, rows)
	b.WriteString("\nContainers space usage:\n\n")
	rows = [][]string{{"CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES"}}
	for _, c := range du.Containers {
		// The image column is the short image ID, as Podman's.
		rows = append(rows, []string{short(c.ContainerID), short(c.ImageID), c.Command, fmt.Sprint(c.LocalVolumes), dfSize(c.Size),
			ago(now, c.Created), c.Status, c.Names})
	}
	table(&b, rows)
	b.WriteString("\nLocal Volumes space usage:\n\n")
	rows = [][]string{{"VOLUME NAME", "LINKS", "SIZE"}}
	for _, v := range du.Volumes {
		rows = append(rows, []string{v.VolumeName, fmt.Sprint(v.Links), dfSize(v.Size)})
	}
	table(&b, rows)
	_, err := os.Stdout.WriteString(b.String())
	return err
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func ago(now, t time.Time) string {
	return engine.HumanDuration(now.Sub(t)) + " ago"
}

// table writes rows with columns padded to their widest cell plus two.
func table(b *strings.Builder, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	w := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			w[i] = max(w[i], len(c))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
			} else {
				fmt.Fprintf(b, "%-*s", w[i]+2, c)
			}
		}
		b.WriteString("\n")
	}
}
