package containers

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newPsCommand, Sub: "list", Aliases: []string{"ls", "ps"}, Top: "ps"})
}

const psDefault = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

var psHeaders = map[string]string{
	"ID": "CONTAINER ID", "CreatedHuman": "CREATED", "RunningFor": "CREATED", "Names": "NAMES",
	"Command": "COMMAND", "Image": "IMAGE", "Status": "STATUS", "Ports": "PORTS", "CreatedAt": "CREATED AT",
	"Pod": "POD ID", "PodName": "PODNAME", "Pid": "PID", "Cgroup": "CGROUPNS", "PIDNS": "PIDNS", "User": "USERNS",
}

const psNamespaces = "table {{.ID}}\t{{.Names}}\t{{.Pid}}\t{{.Cgroup}}\t{{.IPC}}\t{{.MNT}}\t{{.NET}}\t{{.PIDNS}}\t{{.User}}\t{{.UTS}}"

// psRow is one ps line for templates: the summary with Podman's
// template-friendly fields.
type psRow struct {
	engine.ContainerSummary
	ID           string
	Names        string
	Command      string
	CreatedHuman string
	RunningFor   string
	CreatedAt    string
	Ports        string
	Mounts       string
	Networks     string
	Labels       string
	Size         string
}

func (r psRow) ns() engine.ContainerNamespaces {
	if r.ContainerSummary.Namespaces == nil {
		return engine.ContainerNamespaces{}
	}
	return *r.ContainerSummary.Namespaces
}

// Cgroup and the other namespace fields are the inode numbers of --ns.
func (r psRow) Cgroup() string { return r.ns().Cgroup }
func (r psRow) IPC() string    { return r.ns().IPC }
func (r psRow) MNT() string    { return r.ns().MNT }
func (r psRow) NET() string    { return r.ns().NET }
func (r psRow) PIDNS() string  { return r.ns().PIDNS }
func (r psRow) User() string   { return r.ns().User }
func (r psRow) UTS() string    { return r.ns().UTS }

func newPsCommand(name string) *cobra.Command {
	var req engine.ContainerListRequest
	var quiet, noTrunc, noHeading, size bool
	var fmtStr, sortBy string
	cmd := &cobra.Command{
		Use:   name + " [options]",
		Short: "List containers",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case quiet && fmtStr != "":
				return define.Invalidf("quiet and format cannot be used together")
			case quiet && (size || req.Namespaces):
				return define.Invalidf("quiet conflicts with size and namespace")
			case size && req.Namespaces:
				return define.Invalidf("size and namespace options conflict")
			case req.Last >= 0 && req.Latest:
				return define.Invalidf("last and latest are mutually exclusive")
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			req.Size = size || sortBy == "size" || strings.Contains(fmtStr, ".Size")
			if !cmd.Flags().Changed("sort") {
				sortBy = "" // the engine's order: newest first
			}
			watch, _ := cmd.Flags().GetUint("watch")
			for {
				if err := psOnce(cmd, eng, req, quiet, noTrunc, noHeading, size, fmtStr, sortBy); err != nil || watch == 0 {
					return err
				}
				select {
				case <-cmd.Context().Done():
					return nil
				case <-time.After(time.Duration(watch) * time.Second):
				}
				fmt.Print("\033[H\033[2J")
			}
		},
	}

	fs := cmd.Flags()
	fs.BoolVarP(&req.All, "all", "a", false, "Show all the containers, default is only running containers")
	fs.BoolVarP(&req.Latest, "latest", "l", false, "Act on the latest container pm is aware of")
	fs.IntVarP(&req.Last, "last", "n", -1, "Print the n last created containers (all states)")
	fs.StringArrayVarP(&req.Filters, "filter", "f", nil, "Filter output based on conditions given")
	fs.BoolVarP(&quiet, "quiet", "q", false, "Print the numeric IDs of the containers only")
	fs.BoolVar(&noTrunc, "no-trunc", false, "Display the extended information")
	fs.BoolVar(&noHeading, "noheading", false, "Do not print headers")
	fs.StringVar(&fmtStr, "format", "", "Pretty-print containers to JSON or using a Go template")
	fs.StringVar(&sortBy, "sort", "created", "Sort output by: command, created, id, image, names, runningfor, size, status")
	fs.BoolVarP(&size, "size", "s", false, "Display the total file sizes")
	fs.BoolVar(&req.Namespaces, "ns", false, "Display namespace information")
	fs.BoolVar(&req.External, "external", false, "Show containers in storage not controlled by pm")
	fs.Bool("pod", false, "Print the ID and name of the pod the containers are associated with")
	fs.Bool("sync", false, "Sync container state with the OCI runtime")
	fs.UintP("watch", "w", 0, "Watch the ps output on an interval in seconds")
	return cmd
}

func trunc(id string, noTrunc bool) string {
	if noTrunc || len(id) <= 12 {
		return id
	}
	return id[:12]
}

func toRow(c engine.ContainerSummary, noTrunc bool, now time.Time) psRow {
	cmd := strings.Join(c.Command, " ")
	if !noTrunc && len(cmd) > 17 {
		cmd = cmd[:17] + "..."
	}
	labels := make([]string, 0, len(c.Labels))
	for k, v := range c.Labels {
		labels = append(labels, k+"="+v)
	}
	sort.Strings(labels)
	ago := engine.HumanDuration(now.Sub(c.CreatedTime)) + " ago"
	return psRow{
		ContainerSummary: c,
		ID:               trunc(c.ID, noTrunc),
		Names:            strings.Join(c.Names, ","),
		Command:          cmd,
		CreatedHuman:     ago,
		RunningFor:       ago,
		CreatedAt:        c.CreatedTime.Format("2006-01-02 15:04:05.999999999 -0700 MST"),
		Mounts:           strings.Join(c.Mounts, ","),
		Ports:            engine.PortsText(c.Ports),
		Networks:         strings.Join(c.Networks, ","),
		Labels:           strings.Join(labels, ","),
		Size:             sizeText(c.Size),
	}
}

// sizeText is ps's SIZE column: "12 B (virtual 2.13 MB)".
func sizeText(s *engine.ContainerSize) string {
	if s == nil {
		return ""
	}
	return format.HumanSize(s.RwSize) + " (virtual " + format.HumanSize(s.RootFsSize) + ")"
}

func sortSummaries(list []engine.ContainerSummary, by string) error {
	var less func(a, b engine.ContainerSummary) bool
	switch by {
	case "":
		return nil // newest first already
	case "created", "runningfor":
		// Asked for, Podman sorts by creation oldest first.
		less = func(a, b engine.ContainerSummary) bool { return a.CreatedTime.Before(b.CreatedTime) }
	case "id":
		less = func(a, b engine.ContainerSummary) bool { return a.ID < b.ID }
	case "image":
		less = func(a, b engine.ContainerSummary) bool { return a.Image < b.Image }
	case "names":
		less = func(a, b engine.ContainerSummary) bool { return a.Names[0] < b.Names[0] }
	case "command":
		less = func(a, b engine.ContainerSummary) bool {
			return strings.Join(a.Command, " ") < strings.Join(b.Command, " ")
		}
	case "status":
		less = func(a, b engine.ContainerSummary) bool { return a.Status < b.Status }
	case "size":
		less = func(a, b engine.ContainerSummary) bool {
			return a.Size != nil && b.Size != nil && a.Size.RootFsSize < b.Size.RootFsSize
		}
	default:
		return define.Invalidf("invalid option for --sort %q: use command, created, id, image, names, runningfor, size or status", by)
	}
	sort.SliceStable(list, func(i, j int) bool { return less(list[i], list[j]) })
	return nil
}

// psOnce lists containers once, as ps prints them.
func psOnce(cmd *cobra.Command, eng *engine.Engine, req engine.ContainerListRequest, quiet, noTrunc, noHeading, size bool, fmtStr, sortBy string) error {
	list, err := eng.ContainerList(cmd.Context(), req)
	if err != nil {
		return err
	}
	if err := sortSummaries(list, sortBy); err != nil {
		return err
	}
	if quiet {
		for _, c := range list {
			fmt.Println(trunc(c.ID, noTrunc))
		}
		return nil
	}
	if format.IsJSON(fmtStr) {
		return format.Write(os.Stdout, list, format.Options{Format: "json"})
	}
	rows := make([]psRow, 0, len(list))
	now := time.Now()
	for _, c := range list {
		rows = append(rows, toRow(c, noTrunc, now))
	}
	f := strings.ReplaceAll(fmtStr, ".Namespaces.", ".")
	if f != "" && !strings.HasPrefix(f, "table") && !strings.Contains(f, "{{") {
		return define.Invalidf("invalid --format %q", f)
	}
	def := psDefault
	if req.Namespaces {
		def = psNamespaces
	}
	// {{.Pod}} is the short pod ID, as Podman's, in any template.
	for i := range rows {
		rows[i].Pod = trunc(rows[i].Pod, noTrunc)
	}
	if pod, _ := cmd.Flags().GetBool("pod"); pod {
		def += "\t{{.Pod}}\t{{.PodName}}"
	}
	if size {
		def += "\t{{.Size}}"
	}
	return format.Write(os.Stdout, rows, format.Options{Format: f, Default: def, Headers: psHeaders, NoHeader: noHeading})
}
