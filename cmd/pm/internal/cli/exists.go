package cli

import (
	"context"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// ExistsCommand builds `pm NOUN exists NAME`: exit 0 when it exists, 1
// when it does not, 125 on other errors; nothing is printed.
func ExistsCommand(noun string, exists func(ctx context.Context, eng *engine.Engine, name string) (bool, error)) *cobra.Command {
	upper := map[string]string{"network": "NETWORK", "pod": "POD", "volume": "VOLUME", "manifest": "MANIFEST"}[noun]
	if upper == "" {
		upper = "NAME"
	}
	return &cobra.Command{
		Use:   "exists " + upper,
		Short: "Exit 0 if a " + noun + " exists, 1 if not",
		Args:  ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			ok, err := exists(cmd.Context(), eng, args[0])
			if err != nil {
				return err
			}
			if !ok {
				return &define.ExitCodeError{Code: 1}
			}
			return nil
		},
	}
}
