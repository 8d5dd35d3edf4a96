package system

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/api/server"
	"github.com/spf13/cobra"
)

func init() {
	subcommands = append(subcommands, newServiceCommand)
}

type serviceOptions struct {
	Time uint
	CORS string
}

func newServiceCommand() *cobra.Command {
	var o serviceOptions
	cmd := &cobra.Command{
		Use:   "service [options] [URI]",
		Short: "Serve the Docker-compatible REST API on a socket",
		Long: `Serve the Docker Engine API (and pm's native routes) on URI: by default
unix://$XDG_RUNTIME_DIR/pm/pm.sock, or a socket passed by systemd socket
activation. tcp://HOST:PORT (or tcp:HOST:PORT) serves without authentication: anyone who can
connect controls your containers.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			uri := ""
			if len(args) == 1 {
				uri = args[0]
			}
			return runService(cmd, uri, o)
		},
	}
	cmd.Flags().UintVarP(&o.Time, "time", "t", 5, "Seconds without connections before the service exits (0: never)")
	cmd.Flags().StringVar(&o.CORS, "cors", "", "Allow cross-origin requests from this origin (e.g. \"*\"): CORS headers on every answer")
	return cmd
}

func runService(cmd *cobra.Command, uri string, o serviceOptions) error {
	env := cli.FromCmd(cmd)
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	// The engine first: entering the user namespace may re-execute pm,
	// which must happen before a socket is opened.
	eng, err := env.Engine(cmd.Context())
	if err != nil {
		return err
	}
	if o.CORS != "" {
		slog.Debug(fmt.Sprintf("CORS Headers were set to %q", o.CORS)) // Podman's words
	}
	l, err := server.ActivationListener()
	if err != nil {
		return err
	}
	if l != nil && uri != "" {
		l.Close()
		return define.Invalidf("a socket was passed by socket activation: give no URI")
	}
	if l == nil {
		if uri == "" {
			sock := cfg.ServiceSocket()
			if sock == "" {
				return define.Invalidf("no runtime directory: give a URI")
			}
			uri = "unix://" + sock
		}
		if strings.HasPrefix(uri, "tcp:") {
			fmt.Fprintf(os.Stderr, "WARNING: serving the API on %s without authentication or TLS: anyone who can connect controls your containers\n", uri)
		}
		if l, err = server.Listen(uri); err != nil {
			return err
		}
	}
	defer l.Close()
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	slog.Info("api service listening", "addr", addrOf(l), "idle", o.Time)
	srv := server.New(eng, time.Duration(o.Time)*time.Second)
	if o.CORS != "" {
		srv.AllowOrigin(o.CORS)
	}
	return srv.Serve(ctx, l)
}

func addrOf(l net.Listener) string { return l.Addr().Network() + "://" + l.Addr().String() }
