// Package format prints command output as a table, JSON, or a user's Go
// template, as Podman's --format flag does.
package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"text/tabwriter"
	"text/template"

	"github.com/pm-project/pm/libpod/define"
)

// Funcs are the functions available in --format templates.
var Funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"join":  strings.Join,
	"split": strings.Split,
	"trunc": func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s
	},
	"pad": func(s string, n int) string { return fmt.Sprintf("%-*s", n, s) },
}

// IsJSON reports whether f asks for JSON output.
func IsJSON(f string) bool {
	f = strings.TrimSpace(f)
	return f == "json" || f == "{{json .}}"
}

// Parse parses a user template, reporting a bad one as an invalid argument.
func Parse(f string) (*template.Template, error) {
	t, err := template.New("format").Funcs(Funcs).Parse(f)
	if err != nil {
		return nil, define.Invalidf("invalid --format template %q: %v", f, err)
	}
	return t, nil
}

var fieldRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`{{\s*\.(\w+)[^}]*}}`) })

// columnGap is blank space between two template actions.
var columnGap = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`}}[ ]+{{`) })

// Header derives a table header from a "table ..." template: each {{.Field}}
// becomes its entry in headers, or the field name in capitals.
func Header(row string, headers map[string]string) string {
	cells := strings.Split(row, `\t`)
	if len(cells) == 1 {
		cells = strings.Split(row, "\t")
	}
	out := make([]string, 0, len(cells))
	for _, c := range cells {
		m := fieldRE().FindStringSubmatch(c)
		switch {
		case m == nil:
			out = append(out, strings.ToUpper(strings.TrimSpace(c)))
		case headers[m[1]] != "":
			out = append(out, headers[m[1]])
		default:
			out = append(out, strings.ToUpper(m[1]))
		}
	}
	return strings.Join(out, "\t")
}

// Options say how Write prints.
type Options struct {
	Format   string            // the user's --format, or ""
	Default  string            // the table used when Format is "": "table {{.ID}}\t..."
	Headers  map[string]string // header text per field name
	NoHeader bool              // --noheading
	// Inspect lets templates say .Id for .ID, as the JSON key is spelled
	// and Podman's inspect accepts.
	Inspect bool
}

var idField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\.Id\b`) })

// Write prints items, a slice, per opts. Output is built in full before any
// of it is written, so a failing template prints nothing.
func Write(w io.Writer, items any, opts Options) error {
	f := opts.Format
	if opts.Inspect {
		f = idField().ReplaceAllString(f, ".ID")
	}
	if f == "" {
		f = opts.Default
	}
	if IsJSON(f) {
		v := reflect.ValueOf(items)
		if v.Kind() == reflect.Slice && v.IsNil() {
			items = []any{}
		}
		b, err := json.MarshalIndent(items, "", "    ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	table := false
	if strings.HasPrefix(f, "table") {
		table = true
		f = strings.TrimSpace(strings.TrimPrefix(f, "table"))
		if f == "" {
			f = strings.TrimSpace(strings.TrimPrefix(opts.Default, "table"))
		}
	}
	row := strings.ReplaceAll(f, `\t`, "\t")
	row = strings.ReplaceAll(row, `\n`, "\n")
	if table {
		// In a table, spaces between two fields separate columns, as in
		// Podman: "table {{.Repository}} {{.Tag}}" is aligned.
		row = columnGap().ReplaceAllString(row, "}}\t{{")
	}
	t, err := Parse(row)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	var out io.Writer = &buf
	var tw *tabwriter.Writer
	if table {
		tw = tabwriter.NewWriter(&buf, 12, 2, 2, ' ', 0)
		out = tw
		if !opts.NoHeader {
			fmt.Fprintln(tw, Header(row, opts.Headers))
		}
	}
	v := reflect.ValueOf(items)
	if v.Kind() != reflect.Slice {
		v = reflect.ValueOf([]any{items})
	}
	for i := 0; i < v.Len(); i++ {
		var line bytes.Buffer
		if err := t.Execute(&line, v.Index(i).Interface()); err != nil {
			return define.Invalidf("executing --format template: %v", err)
		}
		s := line.String()
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		io.WriteString(out, s)
	}
	if tw != nil {
		tw.Flush()
	}
	_, err = w.Write(buf.Bytes())
	return err
}
