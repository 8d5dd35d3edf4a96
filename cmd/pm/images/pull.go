package images

import (
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newPullCommand, Sub: "pull", Top: "pull"})
}

func newPullCommand(name string) *cobra.Command {
	var (
		auth                      cli.AuthFlags
		platform, arch, os_, vari string
		quiet, allTags            bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [IMAGE...]",
		Short: "Pull an image from a registry or another transport",
		Long: `Pull images into local storage. IMAGE is a registry name (short names are
resolved through registries.conf's unqualified-search-registries) or carries
a transport: docker://, oci:, oci-archive:, docker-archive:, dir:,
containers-storage:. Prints the ID of each image pulled.`,
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			req := engine.ImagePullRequest{RegistryAuth: ra, OS: os_, Arch: arch, Variant: vari,
				AllTags: allTags, Progress: progress(quiet)}
			if platform != "" {
				if cmd.Flags().Changed("os") || cmd.Flags().Changed("arch") || cmd.Flags().Changed("variant") {
					return invalid("--platform conflicts with --os, --arch and --variant")
				}
				if req.OS, req.Arch, req.Variant, err = parsePlatform(platform); err != nil {
					return err
				}
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			for _, a := range args {
				req.Name = a
				rep, err := eng.ImagePull(cmd.Context(), req)
				if err != nil {
					return err
				}
				for _, id := range rep.IDs {
					fmt.Fprintln(os.Stdout, id)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	auth.Bind(f, true)
	f.StringVar(&platform, "platform", "", "Pull the image for `OS/ARCH[/VARIANT]`")
	f.StringVar(&arch, "arch", "", "Pull the image for `ARCH` instead of this host's")
	f.StringVar(&os_, "os", "", "Pull the image for `OS` instead of this host's")
	f.StringVar(&vari, "variant", "", "Pull the image for this CPU `VARIANT`, e.g. arm/v7's v7")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print only the image ID, no progress")
	f.BoolVarP(&allTags, "all-tags", "a", false, "Pull every tag of the repository")
	return cmd
}

// parsePlatform splits "os/arch[/variant]".
func parsePlatform(p string) (string, string, string, error) {
	parts := strings.Split(p, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return "", "", "", invalid("invalid --platform %q: want OS/ARCH[/VARIANT]", p)
	}
	v := ""
	if len(parts) == 3 {
		v = parts[2]
	}
	return parts[0], parts[1], v, nil
}
