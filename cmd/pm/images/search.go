package images

import (
	"os"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newSearchCommand, Sub: "search", Top: "search"})
}

// searchTrunc is the length of a description before --no-trunc.
const searchTrunc = 44

// tagsJSON is one repository of search --list-tags --format json.
type tagsJSON struct {
	Name string
	Tags []string
}

func newSearchCommand(name string) *cobra.Command {
	var (
		auth       cli.AuthFlags
		req        engine.ImageSearchRequest
		fmtFlag    string
		noTrunc    bool
		compatible bool
	)
	cmd := &cobra.Command{
		Use:   name + " [options] TERM",
		Short: "Search registry for image",
		Long: `Search registries for repositories whose name contains TERM: the registry
TERM starts with (REGISTRY/TERM; REGISTRY/ lists them all), or each of
registries.conf's unqualified-search-registries.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if req.ListTags && len(req.Filters) > 0 {
				return invalid("filters are not applicable to list tags result")
			}
			ra, err := auth.Auth()
			if err != nil {
				return err
			}
			req.RegistryAuth, req.Term = ra, args[0]
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			res, err := eng.ImageSearch(cmd.Context(), req)
			if err != nil || len(res) == 0 {
				return err
			}
			isJSON := format.IsJSON(fmtFlag)
			if !noTrunc && !isJSON {
				truncateDescriptions(res)
			}
			opts := format.Options{Format: fmtFlag, Headers: map[string]string{"Index": "INDEX"}}
			switch {
			case req.ListTags && isJSON:
				var out []tagsJSON
				for _, r := range res {
					if n := len(out); n > 0 && out[n-1].Name == r.Name {
						out[n-1].Tags = append(out[n-1].Tags, r.Tag)
					} else {
						out = append(out, tagsJSON{Name: r.Name, Tags: []string{r.Tag}})
					}
				}
				return format.Write(os.Stdout, out, format.Options{Format: "json"})
			case req.ListTags:
				opts.Format = "table {{.Name}}\t{{.Tag}}"
			case fmtFlag == "" && compatible:
				opts.Format = "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t{{.Official}}\t{{.Automated}}"
			case fmtFlag == "":
				opts.Format = "table {{.Name}}\t{{.Description}}"
			}
			return format.Write(os.Stdout, res, opts)
		},
	}
	f := cmd.Flags()
	auth.Bind(f, true)
	f.StringSliceVarP(&req.Filters, "filter", "f", nil, "Filter output based on conditions provided (default [])")
	f.StringVar(&fmtFlag, "format", "", "Change the output format to JSON or a Go template")
	f.IntVar(&req.Limit, "limit", 0, "Limit the number of results (default 25 per registry)")
	f.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate the output")
	f.BoolVar(&compatible, "compatible", false, "List stars, official and automated columns (Docker compatibility)")
	f.BoolVar(&req.ListTags, "list-tags", false, "List the tags of the input registry")
	return cmd
}

// truncateDescriptions shortens descriptions to searchTrunc characters and
// "...", as Podman prints them without --no-trunc.
func truncateDescriptions(res []engine.ImageSearchResult) {
	for i := range res {
		if d := res[i].Description; len(d) > searchTrunc {
			res[i].Description = strings.TrimSpace(d[:searchTrunc]) + "..."
		}
	}
}
