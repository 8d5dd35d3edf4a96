package system

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

func init() {
	subcommands = append(subcommands, newInfoCommand)
	topLevel = append(topLevel, newInfoCommand)
}

func newInfoCommand() *cobra.Command {
	var fmtFlag string
	cmd := &cobra.Command{
		Use:   "info [options]",
		Short: "Show information about the host, storage and pm",
		Long: `Show the host pm runs on (kernel, cgroups, OCI runtimes, conmon), the
user namespace mapping, storage (driver and paths) and the pm build.
Output is YAML unless --format asks for JSON or a Go template.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var tmplCheck error
			if fmtFlag != "" && !format.IsJSON(fmtFlag) {
				_, tmplCheck = format.Parse(fmtFlag)
			}
			if tmplCheck != nil {
				return tmplCheck
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			info, err := eng.Info(cmd.Context())
			if err != nil {
				return err
			}
			switch {
			case format.IsJSON(fmtFlag):
				b, err := json.MarshalIndent(info, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(os.Stdout, "%s\n", b)
				return nil
			case fmtFlag != "":
				return format.Write(os.Stdout, info, format.Options{Format: fmtFlag})
			case cmd.Flags().Changed("format"):
				return nil // an empty template prints nothing, as in Podman
			}
			out, err := toYAML(info)
			if err != nil {
				return err
			}
			_, err = os.Stdout.Write(out)
			return err
		},
	}
	cmd.Flags().StringVarP(&fmtFlag, "format", "f", "", "Print with a Go template, or \"json\"")
	return cmd
}

// toYAML prints v as YAML under its JSON field names, in field order.
func toYAML(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var node yaml.Node
	if err := yaml.Unmarshal(b, &node); err != nil {
		return nil, err
	}
	plainStyle(&node)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// plainStyle drops the JSON flow style so the output reads as block YAML.
func plainStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle | yaml.DoubleQuotedStyle
	for _, c := range n.Content {
		plainStyle(c)
	}
}
