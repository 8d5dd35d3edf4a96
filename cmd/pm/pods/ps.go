package pods

import (
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPsCommand) }

// psRow is one pod ps line for templates: the summary with Podman's
// template fields.
type psRow struct {
	engine.PodSummary
	noTrunc bool
}

func (r psRow) ID() string {
	if r.noTrunc {
		return r.PodSummary.ID
	}
	return r.PodSummary.ID[:12]
}
func (r psRow) InfraID() string {
	if r.noTrunc || len(r.PodSummary.InfraID) < 12 {
		return r.PodSummary.InfraID
	}
	return r.PodSummary.InfraID[:12]
}
func (r psRow) Created() string {
	return engine.HumanDuration(time.Since(r.PodSummary.Created)) + " ago"
}
func (r psRow) NumberOfContainers() int { return len(r.PodSummary.Containers) }
func (r psRow) ContainerNames() string {
	return r.join(func(c engine.PodContainerSummary) string { return c.Names })
}
func (r psRow) ContainerStatuses() string {
	return r.join(func(c engine.PodContainerSummary) string { return c.Status })
}
func (r psRow) ContainerIds() string {
	return r.join(func(c engine.PodContainerSummary) string {
		if r.noTrunc {
			return c.ID
		}
		return c.ID[:12]
	})
}
func (r psRow) Networks() string { return strings.Join(r.PodSummary.Networks, ",") }
func (r psRow) Labels() map[string]string {
	return r.PodSummary.Labels
}
func (r psRow) join(f func(engine.PodContainerSummary) string) string {
	out := make([]string, 0, len(r.PodSummary.Containers))
	for _, c := range r.PodSummary.Containers {
		out = append(out, f(c))
	}
	return strings.Join(out, ",")
}

func newPsCommand() *cobra.Command {
	var (
		quiet, noTrunc, noHeading, names, statuses, ids bool
		fmtFlag, sortBy                                 string
		filters                                         []string
	)
	cmd := &cobra.Command{
		Use:     "ps [options]",
		Aliases: []string{"ls", "list"},
		Short:   "List pods",
		Args:    cobraNoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch sortBy {
			case "created", "id", "name", "number", "status":
			default:
				return define.Invalidf("invalid --sort %q: use created, id, name, number or status", sortBy)
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			list, err := eng.PodList(cmd.Context(), filters)
			if err != nil {
				return err
			}
			sortPods(list, sortBy)
			if quiet {
				for _, p := range list {
					id := p.ID
					if !noTrunc {
						id = id[:12]
					}
					os.Stdout.WriteString(id + "\n")
				}
				return nil
			}
			if format.IsJSON(fmtFlag) {
				return format.Write(os.Stdout, list, format.Options{Format: fmtFlag})
			}
			row := "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}"
			if ids {
				row += "\t{{.ContainerIds}}"
			}
			if names {
				row += "\t{{.ContainerNames}}"
			}
			if statuses {
				row += "\t{{.ContainerStatuses}}"
			}
			if !ids && !names && !statuses {
				row += "\t{{.NumberOfContainers}}"
			}
			rows := make([]psRow, 0, len(list))
			for _, p := range list {
				rows = append(rows, psRow{PodSummary: p, noTrunc: noTrunc})
			}
			return format.Write(os.Stdout, rows, format.Options{
				Format: fmtFlag, Default: row, NoHeader: noHeading,
				Headers: map[string]string{
					"ID": "POD ID", "InfraID": "INFRA ID", "NumberOfContainers": "# OF CONTAINERS",
					"ContainerIds": "IDS", "ContainerNames": "NAMES", "ContainerStatuses": "STATUS",
				},
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&quiet, "quiet", "q", false, "Print the pod IDs only")
	fs.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate pod and container IDs")
	fs.BoolVar(&noHeading, "noheading", false, "Do not print headers")
	fs.BoolVar(&names, "ctr-names", false, "Display the names of the pod's containers")
	fs.BoolVar(&statuses, "ctr-status", false, "Display the statuses of the pod's containers")
	fs.BoolVar(&ids, "ctr-ids", false, "Display the IDs of the pod's containers")
	fs.StringVar(&fmtFlag, "format", "", "Pretty-print pods using a Go template or \"json\"")
	fs.StringVar(&sortBy, "sort", "created", "Sort by created, id, name, number or status")
	fs.StringArrayVarP(&filters, "filter", "f", nil, "Filter output (id=, name=, label=, status=)")
	return cmd
}

func sortPods(list []engine.PodSummary, by string) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		switch by {
		case "id":
			return a.ID < b.ID
		case "name":
			return a.Name < b.Name
		case "number":
			return len(a.Containers) < len(b.Containers)
		case "status":
			return a.Status < b.Status
		}
		return a.Created.After(b.Created)
	})
}

func cobraNoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return define.Invalidf("%q takes no arguments", cmd.CommandPath())
	}
	return nil
}
