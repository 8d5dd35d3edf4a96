package generate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/systemd"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newQuadletCommand) }

func newQuadletCommand() *cobra.Command {
	var user, dryRun bool
	cmd := &cobra.Command{
		Use:   "quadlet [options] [OUTDIR [EARLYDIR LATEDIR]]",
		Short: "Generate systemd units from quadlet files",
		Long: `Read the quadlet files (*.container, *.volume, *.network, *.pod, *.kube,
*.image) of the search directories and write a service unit for each into
OUTDIR, as a systemd generator does. The extra directories systemd passes to
generators are accepted and ignored.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !dryRun {
				return define.Invalidf("%q needs an output directory unless --dryrun is given", cmd.CommandPath())
			}
			if len(args) > 3 {
				return define.Invalidf("%q accepts at most 3 arg(s), received %d", cmd.CommandPath(), len(args))
			}
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("finding the pm binary: %w", err)
			}
			configHome := os.Getenv("XDG_CONFIG_HOME")
			if configHome == "" {
				home, _ := os.UserHomeDir()
				configHome = filepath.Join(home, ".config")
			}
			runtimeDir := ""
			if user {
				runtimeDir = os.Getenv("XDG_RUNTIME_DIR")
			}
			dirs := systemd.QuadletDirs(user, os.Getuid(), runtimeDir, configHome, os.Getenv(systemd.QuadletDirsEnv))
			paths, err := systemd.FindQuadlets(dirs)
			if err != nil {
				return err
			}
			units, unitErrs := systemd.QuadletUnits(paths, systemd.QuadletOptions{Executable: exe})
			var errs []string
			for _, err := range unitErrs {
				errs = append(errs, err.Error())
			}
			if dryRun {
				for _, u := range units {
					fmt.Printf("---%s---\n%s\n", u.Name, u.Text)
				}
			} else if err := writeQuadlets(args[0], units); err != nil {
				return err
			}
			if len(errs) > 0 {
				return define.Invalidf("%s", strings.Join(errs, "; "))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&user, "user", false, "Read the quadlet files of the user's directories, for the user's systemd")
	fs.BoolVar(&dryRun, "dryrun", false, "Print the units instead of writing them")
	return cmd
}

// writeQuadlets writes units into dir, with the links their [Install]
// sections ask for.
func writeQuadlets(dir string, units []systemd.Unit) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating output directory: %w", err)
	}
	for _, u := range units {
		if err := os.WriteFile(filepath.Join(dir, u.Name), []byte(u.Text), 0o644); err != nil {
			return fmt.Errorf("writing unit: %w", err)
		}
		links, err := systemd.InstallLinks(u)
		if err != nil {
			return err
		}
		for sub, names := range links {
			target := filepath.Join("..", u.Name)
			if sub == "" {
				// Aliases are links of their own next to the unit.
				target = u.Name
			} else if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
				return err
			}
			for _, n := range names {
				l := filepath.Join(dir, sub, n)
				if err := os.Symlink(target, l); err != nil && !errors.Is(err, os.ErrExist) {
					return fmt.Errorf("enabling %s: %w", u.Name, err)
				}
			}
		}
	}
	return nil
}
