package images

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newListCommand, Sub: "ls", Aliases: []string{"list"}, Top: "images"})
}

// imageRow is one line of the image table: one per repository tag.
type imageRow struct {
	engine.ImageSummary
	Repository   string
	Tag          string
	ID           string // 12 characters, or sha256:full with --no-trunc
	Created      string // "2 hours ago"
	CreatedSince string
	Size         string // "4.56 MB"
	Digest       string
	IsReadOnly   bool
	// CreatedAt and History hide the summary's fields in templates with
	// Podman's text: the time to the second, the names joined.
	CreatedAt string // "2022-10-18 20:00:00 +0000 UTC"
	History   string // "localhost/a:latest, localhost/b:1"
	created   time.Time
	size      int64
}

var listHeaders = map[string]string{"ID": "IMAGE ID", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "IsReadOnly": "R/O"}

func newListCommand(name string) *cobra.Command {
	var (
		all, quiet, noTrunc, digests, noHeading bool
		filters                                 []string
		fmtFlag, sortBy                         string
	)
	cmd := &cobra.Command{
		Use:   name + " [options] [IMAGE]",
		Short: "List images in local storage",
		Args:  cli.MaxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validSort(sortBy) {
				return invalid("invalid --sort %q: use created, id, repository, size or tag", sortBy)
			}
			if len(args) == 1 {
				filters = append(filters, "reference="+args[0])
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			sums, err := eng.ImageList(cmd.Context(), engine.ImageListRequest{All: all, Filters: filters})
			if err != nil {
				return err
			}
			if format.IsJSON(fmtFlag) {
				return format.Write(os.Stdout, sums, format.Options{Format: fmtFlag})
			}
			rows := imageRows(sums, noTrunc, time.Now())
			sortRows(rows, sortBy)
			if quiet {
				return printIDs(rows)
			}
			def := "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"
			if digests {
				def = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"
			}
			return format.Write(os.Stdout, rows, format.Options{Format: fmtFlag, Default: def,
				Headers: listHeaders, NoHeader: noHeading})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "Show all images, intermediate ones too")
	f.BoolVarP(&quiet, "quiet", "q", false, "Print only image IDs")
	f.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate image IDs")
	f.BoolVar(&digests, "digests", false, "Show image digests")
	f.BoolVarP(&noHeading, "noheading", "n", false, "Do not print the table header")
	f.StringArrayVarP(&filters, "filter", "f", nil, "Filter images: reference=, dangling=, label=, before=, since=, id=, readonly=")
	f.StringVar(&fmtFlag, "format", "", "Print with a Go template, \"table ...\", or \"json\"")
	f.StringVar(&sortBy, "sort", "created", "Sort by created, id, repository, size or tag")
	return cmd
}

// imageRows expands summaries into one row per repository tag; an image
// without tags is one <none> row.
func imageRows(sums []engine.ImageSummary, noTrunc bool, now time.Time) []imageRow {
	var rows []imageRow
	for _, s := range sums {
		base := imageRow{ImageSummary: s, ID: shortID(s.ID), Created: humanAgo(s.CreatedAt, now),
			Size: humanSize(s.Size), Digest: s.Digest, IsReadOnly: s.ReadOnly, created: s.CreatedAt, size: s.Size,
			CreatedAt: s.CreatedAt.Truncate(time.Second).String(), History: strings.Join(s.History, ", ")}
		if noTrunc {
			base.ID = "sha256:" + s.ID
		}
		base.CreatedSince = base.Created
		if len(s.RepoTags) == 0 {
			r := base
			r.Repository, r.Tag = "<none>", "<none>"
			if len(s.RepoDigests) > 0 {
				r.Repository, _, _ = strings.Cut(s.RepoDigests[0], "@")
			}
			rows = append(rows, r)
			continue
		}
		for _, t := range s.RepoTags {
			r := base
			r.Repository, r.Tag = splitTag(t)
			rows = append(rows, r)
		}
	}
	return rows
}

// splitTag splits "repo:tag" at the last colon after the last slash.
func splitTag(n string) (string, string) {
	slash := strings.LastIndex(n, "/")
	if i := strings.LastIndex(n, ":"); i > slash {
		return n[:i], n[i+1:]
	}
	return n, "<none>"
}

func validSort(s string) bool {
	switch s {
	case "created", "id", "repository", "size", "tag":
		return true
	}
	return false
}

// sortRows orders rows: newest first by created, else ascending.
func sortRows(rows []imageRow, by string) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch by {
		case "id":
			return a.ImageSummary.ID < b.ImageSummary.ID
		case "repository":
			return a.Repository < b.Repository
		case "tag":
			return a.Tag < b.Tag
		case "size":
			return a.size < b.size
		}
		return a.created.After(b.created)
	})
}

// printIDs prints each image's ID once, in row order.
func printIDs(rows []imageRow) error {
	seen := map[string]bool{}
	var b strings.Builder
	for _, r := range rows {
		if !seen[r.ID] {
			seen[r.ID] = true
			fmt.Fprintln(&b, r.ID)
		}
	}
	_, err := os.Stdout.WriteString(b.String())
	return err
}
