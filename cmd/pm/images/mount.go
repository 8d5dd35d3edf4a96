package images

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newMountCommand, Sub: "mount"})
}

// mountJSON is one entry of image mount --format json, as Podman prints it.
type mountJSON struct {
	ID           string   `json:"id"`
	Names        []string `json:"Names"`
	Repositories []string `json:"Repositories"`
	Mountpoint   string   `json:"mountpoint"`
}

func newMountCommand(name string) *cobra.Command {
	var (
		all     bool
		fmtFlag string
	)
	cmd := &cobra.Command{
		Use:   name + " [options] [IMAGE...]",
		Short: "Mount an image's root filesystem",
		Long: `Mount each IMAGE's root filesystem read-only and print where. With no
IMAGE, list the mounted images. Rootless, the mount exists only in pm's mount
namespace, so the command must run inside "pm unshare".`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cli.NeedUnshare(cmd); err != nil {
				return err
			}
			if all && len(args) > 0 {
				return invalid("when using the --all switch, you may not pass any image names or IDs")
			}
			if fmtFlag != "" && !format.IsJSON(fmtFlag) {
				return invalid("unknown --format argument: %q", fmtFlag)
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			reps, err := eng.ImageMount(cmd.Context(), args, all)
			if err != nil {
				return err
			}
			if len(args) == 1 && fmtFlag == "" {
				fmt.Println(reps[0].Mountpoint)
				return nil
			}
			if fmtFlag != "" {
				out := make([]mountJSON, 0, len(reps))
				for _, r := range reps {
					out = append(out, mountJSON{ID: r.ID, Names: []string{r.Digest}, Repositories: r.RepoTags, Mountpoint: r.Mountpoint})
				}
				return format.Write(os.Stdout, out, format.Options{Format: "json"})
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
			for _, r := range reps {
				id := r.ID
				if len(r.RepoTags) > 0 {
					id = r.RepoTags[0]
				}
				fmt.Fprintf(w, "%s\t%s\n", id, r.Mountpoint)
			}
			return w.Flush()
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "Mount all images")
	f.StringVar(&fmtFlag, "format", "", "Print the mounted images in specified format (json)")
	return cmd
}
