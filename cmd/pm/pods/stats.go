package pods

import (
	"io"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newStatsCommand) }

const podStatsTable = "table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}"

// podStatsRow is one container of a pod in `pm pod stats`, with the field
// names of Podman's report.
type podStatsRow struct {
	Pod, CID, Name, CPU, MemUsage, MemUsageBytes, Mem, NetIO, BlockIO, PIDS string
}

func newStatsCommand() *cobra.Command {
	var all, noReset, noStream bool
	var interval int
	var fmtFlag string
	cmd := &cobra.Command{
		Use:   "stats [options] [POD...]",
		Short: "Display a live stream of resource usage statistics for the containers of pods",
		Long: `Display the CPU, memory, network I/O, block I/O and process count of
each container of the pods named, or of every pod with a running container.

Rootless on cgroup v1, containers have no cgroup of their own and pm sums
the usage of their processes from /proc instead.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && len(args) > 0 {
				return define.Invalidf("--all and pods cannot be used together")
			}
			if interval < 1 {
				return define.Invalidf("invalid interval %d: must be a positive number of seconds", interval)
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			req := engine.PodStatsRequest{Pods: args, All: all}
			prev := engine.Stats{}
			return cli.Repeat(cmd.Context(), time.Duration(interval)*time.Second, noStream, noReset, func(w io.Writer) error {
				list, err := eng.PodStats(cmd.Context(), req, prev)
				if err != nil {
					return err
				}
				rows := make([]podStatsRow, 0, len(list))
				for _, e := range list {
					r := cli.StatsRow{ContainerStats: e.ContainerStats}
					rows = append(rows, podStatsRow{
						Pod: e.PodID[:12], CID: r.ID(), Name: e.Name, CPU: r.CPUPerc(),
						MemUsage: r.MemUsage(), MemUsageBytes: r.MemUsageBytes(), Mem: r.MemPerc(),
						NetIO: r.NetIO(), BlockIO: r.BlockIO(), PIDS: r.PIDS(),
					})
				}
				return format.Write(w, rows, format.Options{
					Format: fmtFlag, Default: podStatsTable,
					Headers: map[string]string{"CPU": "CPU %", "MemUsage": "MEM USAGE / LIMIT",
						"MemUsageBytes": "MEM USAGE / LIMIT", "Mem": "MEM %", "NetIO": "NET IO", "BlockIO": "BLOCK IO"},
				})
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Show every pod, not only those with a running container")
	fs.StringVar(&fmtFlag, "format", "", "Pretty-print the statistics using a Go template or \"json\"")
	fs.BoolVar(&noReset, "no-reset", false, "Do not clear the terminal between readings")
	fs.BoolVar(&noStream, "no-stream", false, "Print one reading and exit")
	fs.IntVarP(&interval, "interval", "i", 5, "Seconds between readings")
	return cmd
}
