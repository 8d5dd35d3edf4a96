package system

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() { topLevel = append(topLevel, newEventsCommand) }

// eventRow is one event as --format sees it. As JSON it leaves out empty
// keys, as Podman does (a pod has no image, a log-rotation no ID).
type eventRow struct {
	Time       time.Time
	TimeNano   int64
	Type       string
	Status     string
	ID         string            `json:",omitempty"`
	Name       string            `json:",omitempty"`
	Image      string            `json:",omitempty"`
	Attributes map[string]string `json:",omitempty"`
}

func newEventsCommand() *cobra.Command {
	var since, until, tmpl string
	var filters []string
	var stream, noTrunc bool
	cmd := &cobra.Command{
		Use:   "events [options]",
		Short: "Show pm's events: past ones, then new ones as they happen",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now()
			req := engine.EventsRequest{Filters: filters, Stream: stream}
			for _, p := range []struct {
				flag, v string
				t       *time.Time
			}{{"--since", since, &req.Since}, {"--until", until, &req.Until}} {
				if p.v == "" {
					continue
				}
				t, err := engine.ParseTime(p.v, now)
				if err != nil {
					return fmt.Errorf("invalid %s %q: %w", p.flag, p.v, err)
				}
				*p.t = t
			}
			var tp *template.Template
			if tmpl != "" && !format.IsJSON(tmpl) {
				t, err := format.Parse(strings.TrimSuffix(tmpl, "\n") + "\n")
				if err != nil {
					return err
				}
				tp = t
			}
			eng, err := cli.FromCmd(cmd).Engine(cmd.Context())
			if err != nil {
				return err
			}
			return eng.Events(cmd.Context(), req, func(ev engine.Event) error {
				row := eventRow{Time: ev.Time(), TimeNano: ev.TimeNano, Type: ev.Type, Status: ev.PodmanAction(),
					ID: ev.ID, Name: ev.Name, Image: ev.Image, Attributes: ev.Attributes}
				switch {
				case tp != nil:
					return tp.Execute(os.Stdout, row)
				case tmpl != "":
					b, err := json.Marshal(row)
					if err != nil {
						return fmt.Errorf("encoding event: %w", err)
					}
					_, err = fmt.Fprintf(os.Stdout, "%s\n", b)
					return err
				}
				_, err := fmt.Fprintln(os.Stdout, eventLine(row, noTrunc))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "", "show events since this time (RFC 3339, Unix seconds or a duration such as 10m)")
	f.StringVar(&until, "until", "", "stop at this time (as --since)")
	f.StringArrayVarP(&filters, "filter", "f", nil, "show only events that match (type=, event=, container=, image=, network=, volume=, pod=, label=)")
	f.StringVar(&tmpl, "format", "", "Go template for each event, or json")
	f.BoolVar(&stream, "stream", true, "keep showing new events; with --stream=false stop after the past ones")
	f.BoolVar(&noTrunc, "no-trunc", true, "show full IDs; --no-trunc=false shows 12 characters")
	return cmd
}

// eventLine is the default output: time, type, action, ID and attributes.
func eventLine(r eventRow, noTrunc bool) string {
	stamp := r.Time.Format("2006-01-02 15:04:05.000000000 -0700 MST")
	if r.Type == "image" {
		// Podman's image line: the image's ID, then the action's target
		// (a tag, an archive, a destination) rather than attributes.
		id := r.ID
		if !noTrunc && len(id) == 64 {
			id = id[:12]
		}
		line := fmt.Sprintf("%s %s %s", stamp, r.Type, r.Status)
		for _, f := range []string{id, r.Name} {
			if f != "" {
				line += " " + f
			}
		}
		return line
	}
	attrs := map[string]string{}
	maps.Copy(attrs, r.Attributes)
	id := r.ID
	var kv []string
	// image and name first, then the rest in order, as Podman prints them.
	if r.Image != "" {
		kv = append(kv, "image="+r.Image)
		delete(attrs, "image")
	}
	if id == "" {
		id = r.Name // a log-rotation names the journal
	} else if r.Name != "" {
		kv = append(kv, "name="+r.Name)
		delete(attrs, "name")
	}
	if !noTrunc && len(id) == 64 {
		id = id[:12]
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		kv = append(kv, k+"="+attrs[k])
	}
	line := fmt.Sprintf("%s %s %s %s", stamp, r.Type, r.Status, id)
	if len(kv) > 0 {
		line += " (" + strings.Join(kv, ", ") + ")"
	}
	return line
}
