package containers

import (
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() {
	verbs = append(verbs, verb{Make: newCpCommand, Sub: "cp", Top: "cp"})
}

func newCpCommand(name string) *cobra.Command {
	var req engine.ContainerCopyRequest
	cmd := &cobra.Command{
		Use:   name + " [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
		Short: "Copy files/folders between a container and the local filesystem",
		Long: `Copy SRC_PATH to DEST_PATH, where one of them (or both) is CONTAINER:PATH.
Paths in a container are resolved inside its root filesystem, whether it runs
or not. "-" as SRC_PATH reads a tar stream from stdin into the container
directory DEST_PATH; as DEST_PATH it writes SRC_PATH as a tar stream to stdout.`,
		Args: cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Source, req.Dest = parseCopyEnd(args[0]), parseCopyEnd(args[1])
			if req.Source.Stream() {
				if term.IsTerminal(int(os.Stdin.Fd())) {
					return define.Invalidf("cannot read a tar stream from a terminal: redirect stdin")
				}
				req.Stdin = os.Stdin
			}
			if req.Dest.Stream() {
				req.Stdout = os.Stdout
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			return eng.ContainerCopy(cmd.Context(), req)
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&req.Archive, "archive", "a", true, "Chown copied files to the primary uid/gid of the destination container")
	fs.BoolVarP(&req.FollowLink, "follow-link", "L", false, "Follow a symbolic link named by a local SRC_PATH")
	fs.BoolVar(&req.Overwrite, "overwrite", false, "Allow to overwrite directories with non-directories and vice versa")
	// Podman pauses a running container while it copies; pm copies through
	// the container's mount without pausing, so the flag changes nothing.
	fs.Bool("pause", true, "Accepted for Podman compatibility; pm never pauses the container")
	return cmd
}

// parseCopyEnd splits CONTAINER:PATH. A path that starts with "/" or "."
// is local even when it holds a colon.
func parseCopyEnd(arg string) engine.CopyEnd {
	if strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, ".") {
		return engine.CopyEnd{Path: arg}
	}
	if ctr, p, ok := strings.Cut(arg, ":"); ok && ctr != "" {
		return engine.CopyEnd{Container: ctr, Path: p}
	}
	return engine.CopyEnd{Path: arg}
}
