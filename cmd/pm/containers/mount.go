package containers

import (
	"context"
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newMountCommand, Sub: "mount", Top: "mount"})
}

// mountJSON is one entry of mount --format json, as Podman prints it.
type mountJSON struct {
	ID         string   `json:"id"`
	Names      []string `json:"names"`
	MountPoint string   `json:"mountpoint"`
}

func newMountCommand(name string) *cobra.Command {
	var noTrunc bool
	var fmtStr string
	cmd := &cobra.Command{
		Use:   name + " [options] [CONTAINER...]",
		Short: "Mount a working container's root filesystem",
		Long: `Mount each CONTAINER's root filesystem and print where. With no CONTAINER,
list the mounted containers. Rootless, the mount exists only in pm's mount
namespace, so the command must run inside "pm unshare".`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cli.NeedUnshare(cmd); err != nil {
				return err
			}
			if fmtStr != "" && !format.IsJSON(fmtStr) {
				return define.Invalidf("unknown --format %q: only json is supported", fmtStr)
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if len(args) > 0 {
				return forEach(cmd.Context(), args, func(ctx context.Context, n string) (string, error) {
					rep, err := eng.ContainerMount(ctx, n)
					if err != nil {
						return "", err
					}
					return rep.Mountpoint, nil
				})
			}
			ms, err := eng.ContainerMounted(cmd.Context())
			if err != nil {
				return err
			}
			if fmtStr != "" {
				out := make([]mountJSON, 0, len(ms))
				for _, m := range ms {
					out = append(out, mountJSON{ID: m.ID, Names: []string{m.Name}, MountPoint: m.Mountpoint})
				}
				return format.Write(os.Stdout, out, format.Options{Format: "json"})
			}
			for _, m := range ms {
				id := m.ID
				if !noTrunc {
					id = id[:12]
				}
				fmt.Printf("%s  %s\n", id, m.Mountpoint)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate output")
	fs.StringVar(&fmtStr, "format", "", "Print the mounted containers in specified format (json)")
	return cmd
}
