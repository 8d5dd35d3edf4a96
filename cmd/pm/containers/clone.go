package containers

import (
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newCloneCommand, Sub: "clone"})
}

func newCloneCommand(name string) *cobra.Command {
	var (
		res resourceFlags
		req engine.ContainerCloneRequest
	)
	cmd := &cobra.Command{
		Use:   name + " [options] CONTAINER [NAME [IMAGE]]",
		Short: "Clone an existing container",
		Long: `Create a copy of CONTAINER with its configuration, named NAME (default:
CONTAINER-clone) and made from IMAGE (default: the original's image). The
resource flags override the original's limits.`,
		Args: cli.RangeArgs(1, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				if cmd.Flags().Changed("name") {
					return define.Invalidf("--name and a NAME argument cannot be used together")
				}
				req.Name = args[1]
			}
			if len(args) > 2 {
				req.Image = args[2]
			}
			var err error
			if req.Resources, err = res.resources(cmd.Flags()); err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.ContainerClone(cmd.Context(), args[0], req)
			if rep != nil {
				for _, w := range rep.Warnings {
					fmt.Fprintln(os.Stderr, w)
				}
			}
			if err != nil {
				return err
			}
			fmt.Println(rep.ID)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&req.Name, "name", "", "Assign a name to the container")
	fs.StringVar(&req.Pod, "pod", "", "Run container in an existing pod")
	fs.BoolVar(&req.Destroy, "destroy", false, "destroy the original container")
	fs.BoolVar(&req.Run, "run", false, "run the new container")
	fs.BoolVarP(&req.Force, "force", "f", false, "force the existing container to be destroyed")
	res.bind(fs, false)
	return cmd
}
