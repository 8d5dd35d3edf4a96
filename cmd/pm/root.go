package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// registrars add each noun's commands to the root command.
var registrars []func(root *cobra.Command)

// newRootCommand builds pm's command tree for the command line args (nil:
// the whole tree; see cli.SetInvoked).
func newRootCommand(env *cli.Env, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "pm",
		Short: "Manage containers, pods, images and volumes, daemonless and rootless",
		// The first line is Podman's, which scripts and Podman's own tests
		// read from podman --help.
		Long: `Manage pods, containers and images

pm runs containers as an ordinary user, with no daemon: each invocation
starts what it needs (conmon, an OCI runtime) and exits. State lives in a
per-user SQLite database; user namespaces stand in for root.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			level := env.Globals.LogLevel
			if env.Globals.Debug {
				if cmd.Flags().Changed("log-level") {
					// Podman prints this bare and exits 1, as for a bad level.
					fmt.Fprintln(os.Stderr, "Setting --log-level and --debug is not allowed")
					return &define.ExitCodeError{Code: 1}
				}
				level = "debug"
			}
			if err := setupLogging(level); err != nil {
				return err
			}
			slog.Info(fmt.Sprintf("%s filtering at log level %s", os.Args[0], strings.ToLower(level)))
			slog.Debug(fmt.Sprintf("Called %s.PersistentPreRunE(%s)", cmd.Name(), strings.Join(os.Args, " ")))
			slog.Log(cmd.Context(), levelTrace, "global options", "options", fmt.Sprintf("%+v", env.Globals))
			return discardStdout(env.Globals.NoOut)
		},
		RunE: missingCommand,
		Args: cobra.ArbitraryArgs,
	}
	root.SetUsageTemplate(usageTemplate)
	// pm --version is the short form of pm version, as podman --version.
	root.Version = define.PMVersion
	root.SetVersionTemplate("pm version {{.Version}}\n")
	root.Flags().BoolP("version", "v", false, "Version of pm")
	// Podman's help lists no -h/--help option. The flag is hidden when
	// help or usage is printed, not on every command at start: that would
	// cost each invocation a flag set per command.
	help, usage := root.HelpFunc(), root.UsageFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		hideHelpFlag(c)
		help(c, args)
	})
	root.SetUsageFunc(func(c *cobra.Command) error {
		hideHelpFlag(c)
		return usage(c)
	})
	root.CompletionOptions.DisableDefaultCmd = true
	f := root.PersistentFlags()
	f.StringVar(&env.Globals.Root, "root", "", "Path to the storage graph root directory")
	f.StringVar(&env.Globals.RunRoot, "runroot", "", "Path to the storage runtime state directory")
	f.StringVar(&env.Globals.StorageDriver, "storage-driver", "", "Storage driver: overlay, vfs (default: picked for this host)")
	f.StringArrayVar(&env.Globals.StorageOpts, "storage-opt", nil, "Storage driver option, e.g. overlay.mount_program=/usr/bin/fuse-overlayfs")
	f.StringVar(&env.Globals.Runtime, "runtime", "", "Path or name of the OCI runtime")
	f.StringVar(&env.Globals.LogLevel, "log-level", "warn", "Log messages at and above this level: debug, info, warn, error")
	f.BoolVarP(&env.Globals.Debug, "debug", "D", false, "Log debug messages (as --log-level=debug)")
	f.BoolVar(&env.Globals.NoOut, "noout", false, "Do not print the command's output (standard output)")
	f.StringArrayVar(&env.Globals.RuntimeFlags, "runtime-flag", nil, "Global option for the OCI runtime, given without its leading --; may be repeated")
	f.StringVar(&env.Globals.TmpDir, "tmpdir", "", "Path to pm's runtime files (locks, bundles, exit files)")
	f.StringVar(&env.Globals.VolumePath, "volumepath", "", "Path to the directory of named volumes")
	f.StringVar(&env.Globals.CgroupManager, "cgroup-manager", "", "Cgroup manager: cgroupfs")
	f.StringVar(&env.Globals.ConmonPath, "conmon", "", "Path of the conmon binary")
	f.StringVar(&env.Globals.NetworkCmd, "network-cmd-path", "", "Path of the slirp4netns binary for rootless networking")
	f.StringVar(&env.Globals.EventsBackend, "events-backend", "", "Where events go: file, journald or none")
	f.StringVar(&env.Globals.MountsFile, "default-mounts-file", "", "Path to the mounts file (HOST:CONTAINER lines) every container and RUN step gets")
	cli.SetInvoked(args, f)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &flagError{err: define.Invalidf("%s", remoteHint(err).Error()), path: cmd.CommandPath()}
	})
	for _, r := range registrars {
		r(root)
	}
	walk(root, func(c *cobra.Command) {
		c.SilenceUsage, c.SilenceErrors = true, true
		c.DisableFlagsInUseLine = true
		c.Flags().SetNormalizeFunc(func(f *pflag.FlagSet, name string) pflag.NormalizedName {
			return pflag.NormalizedName(name)
		})
		if c.HasSubCommands() && c.RunE == nil && c.Run == nil {
			c.RunE = missingCommand
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

func hideHelpFlag(c *cobra.Command) {
	c.InitDefaultHelpFlag()
	_ = c.Flags().MarkHidden("help")
}

// discardStdout sends what pm prints on standard output to /dev/null
// (--noout); errors and logs still go to stderr.
func discardStdout(noout bool) error {
	if !noout {
		return nil
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	os.Stdout = null
	return nil
}

// logLevels are the values of --log-level, as Podman lists them.
var logLevels = []string{"trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"}

func setupLogging(level string) error {
	var l slog.Level
	switch strings.ToLower(level) {
	case "trace":
		l = levelTrace
	case "debug":
		l = slog.LevelDebug
	case "info":
		l = slog.LevelInfo
	case "warn", "warning":
		l = slog.LevelWarn
	case "error", "fatal", "panic":
		l = slog.LevelError
	default:
		// Podman prints this line bare (no "Error: ") and exits 1, before
		// any command runs.
		fmt.Fprintf(os.Stderr, "Log Level %q is not supported, choose from: %s\n", level, strings.Join(logLevels, ", "))
		return &define.ExitCodeError{Code: 1}
	}
	// The storage and image libraries log through logrus.
	logrus.SetLevel(map[slog.Level]logrus.Level{
		levelTrace: logrus.TraceLevel, slog.LevelDebug: logrus.DebugLevel, slog.LevelInfo: logrus.InfoLevel,
		slog.LevelWarn: logrus.WarnLevel, slog.LevelError: logrus.ErrorLevel,
	}[l])
	slog.SetDefault(slog.New(newLogHandler(os.Stderr, l, term.IsTerminal(int(os.Stderr.Fd())))))
	return nil
}
