package engine

import (
	"reflect"
	"testing"

	"github.com/pm-project/pm/pkg/systemd"
)

func TestRunlabelCommand(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"NAME": "web", "IMAGE": "localhost/img:latest", "OPT1": "-e A=1", "PWD": "/work"}
	tests := []struct {
		value string
		args  []string
		want  []string
	}{
		{"podman run --name NAME IMAGE", nil, []string{"podman", "run", "--name", "web", "localhost/img:latest"}},
		{"podman run -e NAME=NAME -e IMAGE=IMAGE -e X=$NAME ${IMAGE}", nil,
			[]string{"podman", "run", "-e", "NAME=web", "-e", "IMAGE=localhost/img:latest", "-e", "X=web", "localhost/img:latest"}},
		// Words containing NAME are not NAME; other variables are empty.
		{"echo NAMES xNAME $NAMESPACE ${HOME} IMAGE=", nil, []string{"echo", "NAMES", "xNAME", "IMAGE="}},
		// An option with blanks gives several words, an empty one none.
		{"run $OPT1 ${OPT2} x", nil, []string{"run", "-e", "A=1", "x"}},
		// A quoted word stays one word, variables expanded in it.
		{`sh -c "echo $NAME at $PWD" 'it''s'`, nil, []string{"sh", "-c", "echo web at /work", "its"}},
		{`echo "a\\b" "" 'x"y'`, nil, []string{"echo", `a\b`, "", `x"y`}},
		{"podman run IMAGE", []string{"extra", "NAME"}, []string{"podman", "run", "localhost/img:latest", "extra", "web"}},
		// The program is not replaced.
		{"NAME IMAGE", nil, []string{"NAME", "localhost/img:latest"}},
	}
	for _, tt := range tests {
		got, err := runlabelCommand(tt.value, tt.args, func(k string) string { return vars[k] })
		if err != nil {
			t.Errorf("runlabelCommand(%q, %q): %v", tt.value, tt.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("runlabelCommand(%q, %q) = %q, want %q", tt.value, tt.args, got, tt.want)
		}
	}
	for _, bad := range []string{"", "   ", "$OPT2", `echo "unterminated`} {
		if got, err := runlabelCommand(bad, nil, func(k string) string { return vars[k] }); err == nil {
			t.Errorf("runlabelCommand(%q) = %q, want an error", bad, got)
		}
	}
}

func TestQuoteWordRoundTrip(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"plain", "", "a b", `it's`, `"q"`, `back\slash`, "tab\there", `\'`} {
		got, err := systemd.SplitWords(quoteWord(w))
		if err != nil || len(got) != 1 || got[0] != w {
			t.Errorf("SplitWords(quoteWord(%q)) = %q, %v", w, got, err)
		}
	}
}

func TestRunlabelName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"runlabel_image":                     "runlabel_image",
		"localhost/runlabel_image:latest":    "runlabel_image",
		"127.0.0.1:5000/ns/img:1.0":          "img",
		"quay.io/ns/img@sha256:0123456789ab": "img",
	} {
		if got := runlabelName(in); got != want {
			t.Errorf("runlabelName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLabelFold(t *testing.T) {
	t.Parallel()
	labels := map[string]string{"install": "a", "INSTALL": "b", "Run": "c"}
	for key, want := range map[string]string{"INSTALL": "b", "install": "a", "Install": "b", "run": "c", "RUN": "c", "stop": ""} {
		if got := labelFold(labels, key); got != want {
			t.Errorf("labelFold(%q) = %q, want %q", key, got, want)
		}
	}
}
