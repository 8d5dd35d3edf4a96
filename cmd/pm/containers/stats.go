package containers

import (
	"io"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newStatsCommand, Sub: "stats", Top: "stats"})
}

const statsRow = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}"

func newStatsCommand(name string) *cobra.Command {
	var all, latest, noReset, noStream, noTrunc bool
	var interval int
	var fmtFlag string
	cmd := &cobra.Command{
		Use:   name + " [options] [CONTAINER...]",
		Short: "Display a live stream of container resource usage statistics",
		Long: `Display the CPU, memory, network I/O, block I/O and process count of
containers: the running ones, every one with --all, or those named.

Containers with a cgroup of their own (root, or rootless on cgroup v2) are
read from it. Rootless on cgroup v1 they have none, and pm sums the usage
of each container's processes from /proc instead.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			n := len(args)
			if all {
				n++
			}
			if latest {
				n++
			}
			if n > 1 && (all || latest) {
				return define.Invalidf("--all, --latest and containers cannot be used together")
			}
			if interval < 1 {
				return define.Invalidf("invalid interval %d: must be a positive number of seconds", interval)
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			req := engine.StatsRequest{Names: args, All: all}
			if latest {
				id, err := eng.LatestContainer(cmd.Context())
				if err != nil {
					return err
				}
				req.Names = []string{id}
			}
			prev := engine.Stats{}
			return cli.Repeat(cmd.Context(), time.Duration(interval)*time.Second, noStream, noReset, func(w io.Writer) error {
				list, err := eng.ContainerStats(cmd.Context(), req, prev)
				if err != nil {
					return err
				}
				rows := make([]cli.StatsRow, 0, len(list))
				for _, s := range list {
					rows = append(rows, cli.StatsRow{ContainerStats: s, NoTrunc: noTrunc})
				}
				return cli.WriteStats(w, rows, fmtFlag, statsRow)
			})
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "Show all containers, not only the running ones")
	fs.BoolVarP(&latest, "latest", "l", false, "Act on the latest container pm is aware of")
	fs.StringVar(&fmtFlag, "format", "", "Pretty-print the statistics using a Go template or \"json\"")
	fs.BoolVar(&noReset, "no-reset", false, "Do not clear the terminal between readings")
	fs.BoolVar(&noStream, "no-stream", false, "Print one reading and exit")
	fs.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate container IDs")
	fs.IntVarP(&interval, "interval", "i", 5, "Seconds between readings")
	return cmd
}
