package containers

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/createflags"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

func init() {
	verbs = append(verbs, verb{Make: newRunCommand, Sub: "run", Top: "run"})
}

func newRunCommand(name string) *cobra.Command {
	var f createflags.Flags
	var detach, rmi bool
	cmd := &cobra.Command{
		Use:   name + " [options] IMAGE [COMMAND [ARG...]]",
		Short: "Run a command in a new container",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Spec(cmd.Flags(), args)
			if err != nil {
				return err
			}
			if detach && s.Remove && s.Restart.Name != "no" && s.Restart.Name != "" {
				return define.Invalidf("the --rm option conflicts with --restart")
			}
			if !detach && s.Terminal && s.Stdin && !term.IsTerminal(int(os.Stdin.Fd())) {
				// Podman warns and runs on (Docker refuses).
				slog.Warn("The input device is not a TTY. The --tty and --interactive flags might not work properly")
			}
			if !detach && s.Terminal && s.ConsoleSize == nil {
				// The runtime makes the container's terminal this size, so
				// its first command sees it (a resize after the start can
				// come too late for `stty size`).
				if w, h, err := term.GetSize(int(os.Stdin.Fd())); err == nil && w > 0 && h > 0 {
					s.ConsoleSize = &[2]uint{uint(h), uint(w)}
				}
			}
			streams, err := f.AttachStreams()
			if err != nil {
				return err
			}
			if detach && cmd.Flags().Changed("attach") {
				return define.Invalidf("the --detach and --attach options cannot be used together")
			}
			if rmi {
				if detach {
					return define.Invalidf("the --rmi option cannot be used with --detach")
				}
				// As in Podman, --rmi implies --rm.
				s.Remove, s.RemoveImage = true, true
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			o, restore, err := attachOptions(s.Terminal, s.Stdin && streams.Stdin, f.SigProxy && !s.Terminal)
			if err != nil {
				return err
			}
			if !streams.Stdout {
				o.Stdout = nil
			}
			if !streams.Stderr {
				o.Stderr = nil
			}
			o.DetachKeys = s.DetachKeys
			defer restore()
			rep, err := eng.ContainerRun(cmd.Context(), s, detach, o)
			restore()
			if err != nil {
				return err
			}
			if detach || (!streams.Stdout && !streams.Stderr) {
				// With no output attached, the ID is the output, as in Podman.
				fmt.Println(rep.ID)
			}
			if detach {
				return nil
			}
			if rep.ExitCode != 0 {
				return &define.ExitCodeError{Code: rep.ExitCode}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "Run container in background and print container ID")
	cmd.Flags().BoolVar(&rmi, "rmi", false, "Remove the image after the container exits, unless other containers use it (implies --rm)")
	f.Bind(cmd.Flags())
	return cmd
}

// attachOptions wires pm's stdio to an attach; with a terminal it puts
// the local terminal in raw mode and forwards its size. restore undoes it.
func attachOptions(tty, stdin, sigProxy bool) (engine.AttachOptions, func(), error) {
	o := engine.AttachOptions{Stdout: os.Stdout, Stderr: os.Stderr, SigProxy: sigProxy}
	if stdin {
		o.Stdin = os.Stdin
	}
	restore := func() {}
	if !tty || !term.IsTerminal(int(os.Stdin.Fd())) {
		return o, restore, nil
	}
	if stdin {
		st, err := term.MakeRaw(int(os.Stdin.Fd()))
		if err != nil {
			return o, restore, fmt.Errorf("setting the terminal to raw mode: %w", err)
		}
		done := false
		restore = func() {
			if !done {
				done = true
				term.Restore(int(os.Stdin.Fd()), st)
			}
		}
	}
	o.OnAttach = func(r engine.Resizer) {
		// The terminal is the one on stdin, as in Podman: stdout may be
		// a pipe.
		resize := func() {
			if w, h, err := term.GetSize(int(os.Stdin.Fd())); err == nil {
				r.Resize(uint16(h), uint16(w))
			}
		}
		resize()
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGWINCH)
		go func() {
			defer define.Recover("resizing the terminal", nil)
			for range ch {
				resize()
			}
		}()
	}
	return o, restore, nil
}

// RunFlags returns the options of pm run, for commands that read a run
// or create command line (generate systemd). The command tree of an
// invocation holds only the commands it can reach, so they build their own.
func RunFlags() *pflag.FlagSet { return newRunCommand("run").Flags() }
