package pods

import (
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newCloneCommand) }

func newCloneCommand() *cobra.Command {
	var (
		req                        engine.PodCloneRequest
		hostname, infraCmd, userns string
		labels                     []string
	)
	cmd := &cobra.Command{
		Use:   "clone [options] POD [NAME]",
		Short: "Clone an existing pod",
		Long: `Create a copy of POD, named NAME (default: POD-clone), with its infra
container and a copy of each of its containers (named CONTAINER-clone).`,
		Args: cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := cmd.Flags()
			if len(args) == 2 {
				if fs.Changed("name") {
					return define.Invalidf("--name and a NAME argument cannot be used together")
				}
				req.Name = args[1]
			}
			if fs.Changed("hostname") {
				req.Hostname = &hostname
			}
			if fs.Changed("userns") {
				req.UserNS = &userns
			}
			if infraCmd != "" {
				req.InfraCommand = strings.Fields(infraCmd)
				if strings.HasPrefix(strings.TrimSpace(infraCmd), "[") {
					var err error
					if req.InfraCommand, err = parseJSONArray(infraCmd); err != nil {
						return define.Invalidf("invalid --infra-command %q: %v", infraCmd, err)
					}
				}
			}
			req.Labels = map[string]string{}
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				if k == "" {
					return define.Invalidf("invalid --label %q: use KEY=VALUE", l)
				}
				req.Labels[k] = v
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.PodClone(cmd.Context(), args[0], req)
			if rep != nil {
				for _, w := range rep.Warnings {
					fmt.Fprintln(os.Stderr, w)
				}
				if err != nil && rep.ID != "" {
					fmt.Fprintf(os.Stderr, "pod %s created but error after creation\n", rep.ID)
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
	fs.StringVarP(&req.Name, "name", "n", "", "name the new pod")
	fs.BoolVar(&req.Destroy, "destroy", false, "destroy the original pod")
	fs.BoolVar(&req.Start, "start", false, "start the new pod")
	fs.StringVar(&hostname, "hostname", "", "Set a hostname to the pod")
	fs.StringVar(&req.InfraName, "infra-name", "", "The name used as infra container name")
	fs.StringVar(&infraCmd, "infra-command", "", "Command to run in the infra container")
	fs.StringArrayVarP(&labels, "label", "l", nil, "Add labels to the pod (key=value)")
	fs.StringVar(&userns, "userns", "", "User namespace of the pod's infra container")
	return cmd
}
