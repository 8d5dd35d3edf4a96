package images

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newTrustCommand, Sub: "trust"})
}

func newTrustCommand(name string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   name,
		Short: "Manage the trust policy of images (policy.json)",
		Long: `Show and set which registries pm trusts as sources of images: the
signature policy (policy.json) that pulls obey.`,
	}
	cmd.AddCommand(newTrustSetCommand(), newTrustShowCommand())
	return cmd
}

func newTrustSetCommand() *cobra.Command {
	var req engine.TrustSetRequest
	cmd := &cobra.Command{
		Use:   "set [options] REGISTRY",
		Short: "Set the default trust policy or a registry's",
		Long: `Set the trust policy of REGISTRY (a registry, optionally with a
repository path) or, for "default", of every image no other scope covers.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			req.Scope = args[0]
			return eng.TrustSet(req)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&req.Type, "type", "t", "signedBy", "Trust type: signedBy (the default), sigstoreSigned, accept or reject")
	f.StringSliceVarP(&req.PubKeysFiles, "pubkeysfile", "f", nil, "Public key file(s) images of the scope must be signed with (signedBy, sigstoreSigned)")
	f.StringVar(&req.PolicyPath, "policypath", "", "Policy file to write in place of the default one")
	return cmd
}

// trustRow is one line of `image trust show`; its fields are Podman's.
type trustRow struct {
	Transport, RepoName, Type, GPGId, SignatureStore string
}

func newTrustShowCommand() *cobra.Command {
	var (
		req                 engine.TrustShowRequest
		asJSON, raw, noHead bool
	)
	cmd := &cobra.Command{
		Use:   "show [options] [REGISTRY]",
		Short: "Show the trust policy",
		Long:  `Show the trust policy: every scope's requirement, or REGISTRY's only.`,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			if len(args) == 1 {
				req.Scope = args[0]
			}
			rep, err := eng.TrustShow(req)
			if err != nil {
				return err
			}
			switch {
			case raw:
				_, err := fmt.Println(string(rep.Raw))
				return err
			case asJSON:
				pols := rep.Policies
				if pols == nil {
					pols = []engine.TrustPolicy{}
				}
				b, err := json.MarshalIndent(pols, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Println(string(b))
				return err
			}
			rows := make([]trustRow, 0, len(rep.Policies))
			for _, p := range rep.Policies {
				rows = append(rows, trustRow{Transport: p.Transport, RepoName: p.RepoName, Type: p.Type, GPGId: p.GPGId, SignatureStore: p.SignatureStore})
			}
			return format.Write(os.Stdout, rows, format.Options{NoHeader: noHead,
				Headers: map[string]string{"RepoName": "NAME", "GPGId": "ID", "SignatureStore": "STORE"},
				Default: "table {{.Transport}}\t{{.RepoName}}\t{{.Type}}\t{{.GPGId}}\t{{.SignatureStore}}"})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&asJSON, "json", "j", false, "Print the policy as JSON")
	f.BoolVar(&raw, "raw", false, "Print the policy file as it is")
	f.BoolVarP(&noHead, "noheading", "n", false, "Do not print the column headings")
	f.StringVar(&req.PolicyPath, "policypath", "", "Policy file to read in place of the default one")
	return cmd
}
