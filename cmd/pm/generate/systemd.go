package generate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/cmd/pm/containers"
	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/systemd"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() { verbs = append(verbs, newSystemdCommand) }

func newSystemdCommand() *cobra.Command {
	var (
		o                 systemd.Options
		files             bool
		fmtFlag           string
		env               []string
		stopTime, stopTO  uint
		startTO, restartS uint
		restartPolicy     string
	)
	cmd := &cobra.Command{
		Use:   "systemd [options] CONTAINER|POD",
		Short: "Generate systemd units",
		Long: `Generate systemd units that run a container, or a pod and its containers.
With --new, the units create the container on start and remove it on stop;
otherwise they start and stop the existing container.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := cmd.Flags()
			if fmtFlag != "" && !format.IsJSON(fmtFlag) {
				return define.Invalidf("invalid --format %q: only json is supported", fmtFlag)
			}
			switch {
			case fs.Changed("stop-timeout"):
				o.StopTimeout = &stopTO
			case fs.Changed("time"):
				o.StopTimeout = &stopTime
			}
			if fs.Changed("start-timeout") {
				o.StartTimeout = startTO
			}
			if fs.Changed("restart-sec") {
				o.RestartSec = restartS
			}
			if fs.Changed("restart-policy") {
				o.RestartPolicy = restartPolicy
			}
			for _, e := range env {
				if strings.Contains(e, "=") {
					o.Env = append(o.Env, e)
				} else if v, ok := os.LookupEnv(e); ok {
					o.Env = append(o.Env, e+"="+v)
				}
			}
			o.GlobalTakesValue = takesValue(cmd.Root().PersistentFlags())
			o.CreateTakesValue = takesValue(containers.RunFlags())
			if pc, _, err := cmd.Root().Find([]string{"pod", "create"}); err == nil && pc.Name() == "create" {
				o.PodCreateTakesValue = takesValue(pc.Flags())
			}
			if err := o.Validate(); err != nil {
				return err
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			units, err := eng.GenerateSystemd(cmd.Context(), args[0], o)
			if err != nil {
				return err
			}
			if files {
				return writeFiles(units, fmtFlag != "")
			}
			if fmtFlag != "" {
				m := map[string]string{}
				for _, u := range units {
					m[strings.TrimSuffix(u.Name, ".service")] = u.Text
				}
				return printJSON(m)
			}
			for i, u := range units {
				if i > 0 {
					fmt.Println()
				}
				fmt.Print(u.Text)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&o.UseName, "name", "n", false, "Use container/pod names instead of IDs")
	fs.BoolVar(&o.New, "new", false, "Create a new container or pod instead of starting an existing one")
	fs.BoolVarP(&files, "files", "f", false, "Generate .service files instead of printing to stdout")
	fs.StringVar(&restartPolicy, "restart-policy", "on-failure", "Systemd restart-policy")
	fs.UintVar(&restartS, "restart-sec", 0, "Set the systemd unit's RestartSec value")
	fs.UintVarP(&stopTime, "time", "t", 10, "Stop timeout override")
	fs.UintVar(&startTO, "start-timeout", 0, "Start timeout override")
	fs.UintVar(&stopTO, "stop-timeout", 10, "Stop timeout override")
	fs.StringVar(&o.ContainerPrefix, "container-prefix", "container", "Systemd unit name prefix for containers")
	fs.StringVar(&o.PodPrefix, "pod-prefix", "pod", "Systemd unit name prefix for pods")
	fs.StringVar(&o.Separator, "separator", "-", "Systemd unit name separator between name/id and prefix")
	fs.BoolVar(&o.NoHeader, "no-header", false, "Skip header generation")
	fs.StringArrayVar(&o.After, "after", nil, "Add dependencies order to the generated unit file")
	fs.StringArrayVar(&o.Wants, "wants", nil, "Add (weak) requirement dependencies to the generated unit file")
	fs.StringArrayVar(&o.Requires, "requires", nil, "Similar to wants, but declares stronger requirement dependencies")
	fs.StringArrayVarP(&env, "env", "e", nil, "Set environment variables to the systemd unit files")
	fs.BoolVar(&o.Template, "template", false, "Make it a template file and use %i and %I specifiers. Working only for containers")
	fs.StringVar(&fmtFlag, "format", "", "Print the created units in specified format (json)")
	return cmd
}

// takesValue tells the options of fs that take a value, by long name or
// shorthand.
func takesValue(fs *pflag.FlagSet) systemd.TakesValue {
	return func(name string) bool {
		f := fs.Lookup(name)
		if f == nil && len(name) == 1 {
			f = fs.ShorthandLookup(name)
		}
		return f != nil && f.NoOptDefVal == ""
	}
}

// writeFiles writes units into the current directory and prints their
// paths (as a JSON list with asJSON).
func writeFiles(units []systemd.Unit, asJSON bool) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	var paths []string
	for _, u := range units {
		p := filepath.Join(wd, u.Name)
		if err := os.WriteFile(p, []byte(u.Text), 0o644); err != nil {
			return fmt.Errorf("writing unit file: %w", err)
		}
		paths = append(paths, p)
	}
	if asJSON {
		return printJSON(paths)
	}
	for _, p := range paths {
		fmt.Println(p)
	}
	return nil
}

func printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = fmt.Println(string(b))
	return err
}
