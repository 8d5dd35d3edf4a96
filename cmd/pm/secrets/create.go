package secrets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newCreateCommand) }

func newCreateCommand() *cobra.Command {
	var req engine.SecretCreateRequest
	var labels, driverOpts []string
	var fromEnv bool
	cmd := &cobra.Command{
		Use:   "create [options] NAME FILE|-",
		Short: "Create a new secret",
		Args:  cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Name = args[0]
			if err := define.ValidateSecretName(req.Name); err != nil {
				return err
			}
			var err error
			if req.Labels, err = keyValues("--label", labels, false); err != nil {
				return err
			}
			if req.DriverOptions, err = keyValues("--driver-opts", driverOpts, true); err != nil {
				return err
			}
			// The engine first: getting it may re-execute pm to join the
			// user namespace, and stdin must be read by the pm that stays.
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			if req.Data, err = readData(args[1], fromEnv); err != nil {
				return err
			}
			id, err := eng.SecretCreate(cmd.Context(), req)
			if err != nil {
				return err
			}
			fmt.Println(id)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&req.Driver, "driver", "d", "file", "Secret driver (only file)")
	fs.StringArrayVar(&driverOpts, "driver-opts", nil, "Secret driver options (path=DIR for file)")
	fs.BoolVar(&fromEnv, "env", false, "Read the secret data from the environment variable named by the second argument")
	fs.StringArrayVarP(&labels, "label", "l", nil, "Set a label on the secret (key=value)")
	fs.BoolVar(&req.Replace, "replace", false, "Replace the data of an existing secret of the same name")
	return cmd
}

// readData reads the secret's data from the file src, stdin for "-", or
// the environment variable src with fromEnv. It reads at most one byte
// more than a secret may hold, so an oversized source is refused
// without being read whole.
func readData(src string, fromEnv bool) ([]byte, error) {
	if fromEnv {
		v, ok := os.LookupEnv(src)
		if !ok {
			return nil, define.Invalidf("environment variable %s is not set", src)
		}
		return []byte(v), nil
	}
	var r io.Reader = os.Stdin
	if src != "-" {
		f, err := os.Open(src)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, define.Invalidf("reading secret data: file %s does not exist", src)
		}
		if err != nil {
			return nil, define.Invalidf("reading secret data: %v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, define.Invalidf("reading secret data: %s is a directory", src)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, define.SecretMaxSize+1))
	if err != nil {
		return nil, define.Invalidf("reading secret data: %v", err)
	}
	if len(data) > define.SecretMaxSize {
		return nil, define.Invalidf("secret data is too large: the limit is %d bytes", define.SecretMaxSize)
	}
	return data, nil
}
