package main

import (
	"log/slog"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// registrars add each noun's commands to the root command.
var registrars []func(root *cobra.Command)

func newRootCommand(env *cli.Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "pm",
		Short: "Manage containers, pods, images and volumes, daemonless and rootless",
		Long: `pm runs containers as an ordinary user, with no daemon: each invocation
starts what it needs (conmon, an OCI runtime) and exits. State lives in a
per-user SQLite database; user namespaces stand in for root.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return setupLogging(env.Globals.LogLevel) },
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return define.Invalidf("unrecognized command `pm %s`", args[0])
			}
			return cmd.Help()
		},
		Args: cobra.ArbitraryArgs,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	f := root.PersistentFlags()
	f.StringVar(&env.Globals.Root, "root", "", "Path to the storage graph root directory")
	f.StringVar(&env.Globals.RunRoot, "runroot", "", "Path to the storage runtime state directory")
	f.StringVar(&env.Globals.StorageDriver, "storage-driver", "", "Storage driver: overlay, vfs (default: picked for this host)")
	f.StringArrayVar(&env.Globals.StorageOpts, "storage-opt", nil, "Storage driver option, e.g. overlay.mount_program=/usr/bin/fuse-overlayfs")
	f.StringVar(&env.Globals.Runtime, "runtime", "", "Path or name of the OCI runtime")
	f.StringVar(&env.Globals.LogLevel, "log-level", "warn", "Log messages at and above this level: debug, info, warn, error")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return define.Invalidf("%s", err.Error())
	})
	for _, r := range registrars {
		r(root)
	}
	walk(root, func(c *cobra.Command) {
		c.SilenceUsage, c.SilenceErrors = true, true
		c.Flags().SetNormalizeFunc(func(f *pflag.FlagSet, name string) pflag.NormalizedName {
			return pflag.NormalizedName(name)
		})
		if c.HasSubCommands() && c.RunE == nil && c.Run == nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					return define.Invalidf("unrecognized command `%s %s`", cmd.CommandPath(), args[0])
				}
				return cmd.Help()
			}
			c.Args = cobra.ArbitraryArgs
		}
	})
	return root
}

func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

func setupLogging(level string) error {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug", "trace":
		l = slog.LevelDebug
	case "info":
		l = slog.LevelInfo
	case "warn", "warning":
		l = slog.LevelWarn
	case "error", "fatal", "panic":
		l = slog.LevelError
	default:
		return define.Invalidf("invalid --log-level %q: use debug, info, warn or error", level)
	}
	// The storage and image libraries log through logrus.
	logrus.SetLevel(map[slog.Level]logrus.Level{
		slog.LevelDebug: logrus.DebugLevel, slog.LevelInfo: logrus.InfoLevel,
		slog.LevelWarn: logrus.WarnLevel, slog.LevelError: logrus.ErrorLevel,
	}[l])
	slog.SetDefault(slog.New(newLogHandler(os.Stderr, l)))
	return nil
}
