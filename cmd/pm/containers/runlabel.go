package containers

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newRunlabelCommand, Sub: "runlabel"})
}

func newRunlabelCommand(name string) *cobra.Command {
	var (
		auth                             cli.AuthFlags
		req                              engine.RunlabelRequest
		certDir                          string
		display, quiet, replace, pullOpt bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options] LABEL IMAGE [ARG...]",
		Short: "Execute the command described by an image label",
		Long: `Read the label LABEL of IMAGE (its case ignored), pulling IMAGE first when
it is missing, and run its value, with ARGs appended, as a command on the
host. podman, docker or pm as the program is pm itself. NAME and IMAGE
($NAME, ${NAME}, =NAME, ...) stand for the container name and the image,
$OPT1..$OPT3 for --opt1..--opt3, $PWD for the working directory.`,
		Args: cli.MinArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			ra.CertDir = certDir
			req.RegistryAuth, req.Label, req.Image, req.Args = ra, args[0], args[1], args[2:]
			req.Pull, req.Replace = pullOpt, replace && !display
			if !quiet {
				req.Progress = os.Stderr
			}
			if req.Dir, err = os.Getwd(); err != nil {
				return fmt.Errorf("finding the working directory: %w", err)
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			rep, err := eng.Runlabel(cmd.Context(), req)
			if err != nil {
				return err
			}
			if display {
				argv0 := rep.Command[0]
				if rep.Self {
					argv0 = os.Args[0]
				}
				fmt.Println("command: " + strings.Join(append([]string{argv0}, rep.Command[1:]...), " "))
				return nil
			}
			c := exec.Command(rep.Command[0], rep.Command[1:]...)
			if rep.Self {
				c = exec.Command("/proc/self/exe", rep.Command[1:]...)
				c.Args[0] = os.Args[0]
			}
			c.Env = append(os.Environ(), rep.Env...)
			if !quiet {
				c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
			}
			return cli.RunForwarding(c)
		},
	}
	f := cmd.Flags()
	auth.Bind(f, true)
	f.StringVar(&certDir, "cert-dir", "", "Use certificates at `PATH` (*.crt, *.cert, *.key) to connect to the registry")
	f.BoolVar(&display, "display", false, "Print the command the label would run, and run nothing")
	f.StringVarP(&req.Name, "name", "n", "", "Container name NAME stands for (default: the image's)")
	f.BoolVarP(&pullOpt, "pull", "p", true, "Pull the image when it is not in local storage")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print no pull progress, and give the command no stdin, stdout or stderr")
	f.BoolVar(&replace, "replace", false, "Remove the container the command names with --name first")
	for i, v := range []*string{&req.Opt1, &req.Opt2, &req.Opt3} {
		n := fmt.Sprintf("opt%d", i+1)
		f.StringVar(v, n, "", fmt.Sprintf("Value of $OPT%d", i+1))
		_ = f.MarkHidden(n)
	}
	return cmd
}
