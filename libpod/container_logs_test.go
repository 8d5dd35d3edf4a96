package libpod

import (
	"strings"
	"testing"
	"time"
)

const sampleLog = `2024-01-01T10:00:00.000000000+00:00 stdout F one
2024-01-01T10:00:01.000000000+00:00 stdout P par
2024-01-01T10:00:01.500000000+00:00 stderr F err
2024-01-01T10:00:02.000000000+00:00 stdout F tial
2024-01-01T10:00:03.000000000+00:00 stdout F
2024-01-01T10:00:04.000000000+00:00 stdout P unfinished
`

func contents(ls []LogLine) string {
	var out []string
	for _, l := range ls {
		s := l.Stream[:3] + ":" + l.Content
		if l.Partial {
			s += "~"
		}
		out = append(out, s)
	}
	return strings.Join(out, "|")
}

func TestParseLogs(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name string
		o    LogOptions
		want string
	}{
		{"all", LogOptions{Tail: -1}, "std:one|std:err|std:partial|std:|std:unfinished~"},
		{"tail 2", LogOptions{Tail: 2}, "std:|std:unfinished~"},
		{"tail 0", LogOptions{Tail: 0}, ""},
		{"since", LogOptions{Tail: -1, Since: at("2024-01-01T10:00:01.2Z")}, "std:err|std:|std:unfinished~"},
		{"until", LogOptions{Tail: -1, Until: at("2024-01-01T10:00:01.6Z")}, "std:one|std:err|std:partial"},
	}
	for _, c := range cases {
		ls, err := ParseLogs(strings.NewReader(sampleLog+"garbage line\n"), c.o)
		if err != nil {
			t.Fatal(err)
		}
		got := contents(ls)
		got = strings.ReplaceAll(strings.ReplaceAll(got, "stdout", "std"), "stderr", "std")
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	ls, _ := ParseLogs(strings.NewReader(sampleLog), LogOptions{Tail: -1})
	if ls[1].Stream != "stderr" || ls[2].Stream != "stdout" {
		t.Errorf("streams: %+v", ls)
	}
	if !ls[2].Time.Equal(at("2024-01-01T10:00:01Z")) {
		t.Errorf("a joined line keeps its first part's time, got %v", ls[2].Time)
	}
}

func TestParseLogLineErrors(t *testing.T) {
	for _, s := range []string{"", "x stdout F a", "2024-01-01T10:00:00Z stdout X a", "2024-01-01T10:00:00Z stdout"} {
		if _, _, _, _, err := ParseLogLine(s); err == nil {
			t.Errorf("ParseLogLine(%q) succeeded", s)
		}
	}
	_, _, p, c, err := ParseLogLine("2024-01-01T10:00:00Z stderr P a b  c")
	if err != nil || !p || c != "a b  c" {
		t.Errorf("got %v %q %v", p, c, err)
	}
}

func TestParseJournal(t *testing.T) {
	out := `{"__CURSOR":"c1","__REALTIME_TIMESTAMP":"1796686468120648","PRIORITY":"6","MESSAGE":"out1\n"}
{"__CURSOR":"c2","__REALTIME_TIMESTAMP":"1796686468135912","PRIORITY":"3","MESSAGE":"err1\n"}

{"__CURSOR":"c3","__REALTIME_TIMESTAMP":"1796686468136070","PRIORITY":"6","MESSAGE":"par\n","CONTAINER_PARTIAL_MESSAGE":"true"}
{"__CURSOR":"c4","__REALTIME_TIMESTAMP":"1796686468136071","PRIORITY":"6","MESSAGE":[98,1,10]}
`
	got, err := parseJournal([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []journalEntry{
		{cursor: "c1", time: time.UnixMicro(1796686468120648), stream: "stdout", content: "out1"},
		{cursor: "c2", time: time.UnixMicro(1796686468135912), stream: "stderr", content: "err1"},
		{cursor: "c3", time: time.UnixMicro(1796686468136070), stream: "stdout", partial: true, content: "par\n"},
		{cursor: "c4", time: time.UnixMicro(1796686468136071), stream: "stdout", content: "b\x01"},
	}
	if len(got) != len(want) {
		t.Fatalf("parseJournal: %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := parseJournal([]byte("{not json\n")); err == nil {
		t.Error("parseJournal of a broken line: no error")
	}
}
