package images

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newLoadCommand, Sub: "load", Top: "load"})
}

func newLoadCommand(name string) *cobra.Command {
	var (
		req   engine.ImageLoadRequest
		quiet bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options]",
		Short: "Load images from a docker-archive or oci-archive",
		Long: `Load the images of an archive made by save (docker-archive or oci-archive,
told apart by content) from --input or stdin, and print each name loaded.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.HasPrefix(req.Input, "http://") || strings.HasPrefix(req.Input, "https://") {
				body, err := download(cmd.Context(), req.Input)
				if err != nil {
					return err
				}
				defer body.Close()
				req.Input, req.Reader = "", body
			}
			if req.Input == "" && req.Reader == nil {
				if isTerminal(os.Stdin) {
					return invalid("cannot read from terminal, use command-line redirection or the --input flag")
				}
				req.Reader = os.Stdin
			}
			req.Progress = progress(quiet)
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := eng.ImageLoad(cmd.Context(), req)
			if err != nil {
				return err
			}
			var b strings.Builder
			for _, n := range rep.Names {
				fmt.Fprintf(&b, "Loaded image: %s\n", n)
			}
			_, err = os.Stdout.WriteString(b.String())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&req.Input, "input", "i", "", "Read the archive from `PATH` (or an http(s) URL) instead of stdin")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print no progress")
	return cmd
}

// download opens the archive at an http(s) URL, as Podman's load -i URL.
func download(ctx context.Context, url string) (io.ReadCloser, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, invalid("invalid --input URL %q: %v", url, err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, define.Errorf(define.ErrNotFound, "downloading %s: %s", url, resp.Status)
	}
	return resp.Body, nil
}
