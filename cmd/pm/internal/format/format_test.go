package format

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

type item struct {
	ID   string
	Name string
}

func TestWrite(t *testing.T) {
	t.Parallel()
	items := []item{{"abc", "one"}, {"def", "two"}}
	tests := []struct {
		name   string
		opts   Options
		want   string
		hasErr bool
	}{
		{"default table", Options{Default: "table {{.ID}}\t{{.Name}}"}, "ID          NAME\nabc         one\ndef         two\n", false},
		{"header override", Options{Default: "table {{.ID}}\t{{.Name}}", Headers: map[string]string{"ID": "CONTAINER ID"}}, "CONTAINER ID  NAME\nabc           one\ndef           two\n", false},
		{"plain template", Options{Format: "{{.Name}}"}, "one\ntwo\n", false},
		{"table with spaces", Options{Format: "table {{.ID}} {{.Name}}"}, "ID          NAME\nabc         one\ndef         two\n", false},
		{"spaces without table", Options{Format: "{{.ID}} {{.Name}}"}, "abc one\ndef two\n", false},
		{"escaped tab", Options{Format: `{{.ID}}\t{{.Name}}`}, "abc\tone\ndef\ttwo\n", false},
		{"json", Options{Format: "json"}, "[\n    {\n        \"ID\": \"abc\",\n        \"Name\": \"one\"\n    },\n    {\n        \"ID\": \"def\",\n        \"Name\": \"two\"\n    }\n]\n", false},
		{"bad template", Options{Format: "{{.ID"}, "", true},
		{"unknown field", Options{Format: "{{.Nope}}"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			err := Write(&buf, items, tt.opts)
			if tt.hasErr {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Fatalf("want invalid-argument error, got %v", err)
				}
				if buf.Len() != 0 {
					t.Fatalf("failing template printed %q", buf.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", buf.String(), tt.want)
			}
		})
	}
}
