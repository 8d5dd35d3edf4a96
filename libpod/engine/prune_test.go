package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestParsePruneFilter(t *testing.T) {
	t.Parallel()
	bad := []struct {
		filters []string
		want    string
	}{
		{[]string{"bogus=1"}, "invalid filter 'bogus'"},
		{[]string{"dangling=true"}, "invalid filter 'dangling'"}, // not a container prune key
		{[]string{"label"}, "invalid filter 'label'"},
		{[]string{"label="}, "needs a label key"},
		{[]string{"label!==v"}, "needs a label key"},
		{[]string{"until=yesterday"}, "'until'"},
		{[]string{"until=1h", "until=2h"}, "more than one until"},
	}
	for _, c := range bad {
		t.Run(strings.Join(c.filters, ","), func(t *testing.T) {
			_, err := parsePruneFilter("container", c.filters, "label", "label!", "until")
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("err = %v, want an invalid argument with %q", err, c.want)
			}
		})
	}
	if _, err := parsePruneFilter("image", []string{"dangling=maybe"}, "dangling"); err == nil {
		t.Errorf("dangling=maybe accepted")
	}
	if _, err := parsePruneFilter("image", []string{"dangling=true", "dangling=false"}, "dangling"); err == nil {
		t.Errorf("dangling both ways accepted")
	}
}

func TestPruneFilterMatch(t *testing.T) {
	t.Parallel()
	now := time.Now()
	old, fresh := now.Add(-48*time.Hour), now.Add(-time.Minute)
	labels := map[string]string{"stage": "test", "team": "a"}
	cases := []struct {
		filters []string
		id      string
		labels  map[string]string
		created time.Time
		want    bool
	}{
		{nil, "x", nil, fresh, true},
		{[]string{"label=stage"}, "x", labels, fresh, true},
		{[]string{"label=stage=test"}, "x", labels, fresh, true},
		{[]string{"label=stage=prod"}, "x", labels, fresh, false},
		{[]string{"label=stage", "label=other"}, "x", labels, fresh, false},
		{[]string{"label=stage"}, "x", nil, fresh, false},
		{[]string{"label!=stage"}, "x", labels, fresh, false},
		{[]string{"label!=stage=prod"}, "x", labels, fresh, true},
		{[]string{"label!=stage"}, "x", nil, fresh, true},
		{[]string{"until=24h"}, "x", nil, old, true},
		{[]string{"until=24h"}, "x", nil, fresh, false},
		{[]string{"until=" + now.Add(-time.Hour).UTC().Format(time.RFC3339)}, "x", nil, old, true},
		{[]string{"until=" + now.Add(-time.Hour).UTC().Format(time.RFC3339)}, "x", nil, fresh, false},
		{[]string{"until=24h", "label=team=a"}, "x", labels, old, true},
		{[]string{"id=abc"}, "abcdef", nil, fresh, true},
		{[]string{"id=sha256:abc"}, "abcdef", nil, fresh, true},
		{[]string{"id=abd", "id=abc"}, "abcdef", nil, fresh, true},
		{[]string{"id=abd"}, "abcdef", nil, fresh, false},
	}
	for _, c := range cases {
		f, err := parsePruneFilter("build cache", c.filters, "label", "label!", "until", "id")
		if err != nil {
			t.Fatalf("%q: %v", c.filters, err)
		}
		if got := f.match(c.id, c.labels, c.created); got != c.want {
			t.Errorf("%q on %s %v created %s ago: %v, want %v", c.filters, c.id, c.labels, now.Sub(c.created).Round(time.Minute), got, c.want)
		}
	}
}
