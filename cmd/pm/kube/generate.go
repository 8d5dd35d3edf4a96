package kube

import (
	"errors"
	"fmt"
	"os"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

// NewGenerateCommand returns `kube generate`.
func NewGenerateCommand() *cobra.Command {
	var (
		o        engine.KubeGenerateOptions
		filename string
		replicas int32
	)
	cmd := &cobra.Command{
		Use:   "generate [options] {CONTAINER...|POD...|VOLUME...}",
		Short: "Generate Kubernetes YAML based on containers, pods or volumes",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("replicas") {
				if o.Type != "deployment" {
					return define.Invalidf("--replicas is only used with --type deployment")
				}
				if replicas < 1 {
					return define.Invalidf("invalid --replicas %d: must be at least 1", replicas)
				}
				o.Replicas = replicas
			}
			if filename != "" {
				if _, err := os.Lstat(filename); err == nil {
					return define.Errorf(define.ErrAlreadyExists, "cannot write to %q: the file exists", filename)
				} else if !errors.Is(err, os.ErrNotExist) {
					return define.Invalidf("cannot write to %q: %v", filename, err)
				}
			}
			eng, err := engineOf(cmd)
			if err != nil {
				return err
			}
			out, err := eng.KubeGenerate(cmd.Context(), args, o)
			if err != nil {
				return err
			}
			if filename == "" {
				_, err = os.Stdout.Write(out)
				return err
			}
			f, err := os.OpenFile(filename, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return define.Invalidf("cannot write to %q: %v", filename, errors.Unwrap(err))
			}
			_, err = f.Write(out)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(filename)
				return fmt.Errorf("writing %s: %w", filename, err)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&filename, "filename", "f", "", "Write the YAML to this file instead of stdout; it must not exist")
	fs.BoolVarP(&o.Service, "service", "s", false, "Also generate a Kubernetes Service for each pod")
	fs.StringVarP(&o.Type, "type", "t", "pod", "Kind of object to generate: pod or deployment")
	fs.Int32VarP(&replicas, "replicas", "r", 1, "Number of replicas of a deployment (with --type deployment)")
	return cmd
}
