package systemd

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseUnit(t *testing.T) {
	t.Parallel()
	text := `# a comment
[Unit]
Description = my unit
; another comment

[Service]
ExecStart=/bin/echo \
  # a comment inside is skipped
  one \
  two
Environment=A=1
Environment=B=2
[Unit]
After=x.service
`
	u, err := ParseUnit("t.service", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := u.Lookup("Unit", "Description"); v != "my unit" {
		t.Errorf("Description = %q", v)
	}
	if v, _ := u.Lookup("Service", "ExecStart"); strings.Join(strings.Fields(v), " ") != "/bin/echo one two" {
		t.Errorf("ExecStart = %q", v)
	}
	if v := u.LookupAll("Service", "Environment"); !reflect.DeepEqual(v, []string{"A=1", "B=2"}) {
		t.Errorf("Environment = %q", v)
	}
	if len(u.Sections) != 2 {
		t.Errorf("sections = %d, want 2 (a repeated header joins the first)", len(u.Sections))
	}
	if v, _ := u.Lookup("Unit", "After"); v != "x.service" {
		t.Errorf("After = %q", v)
	}
}

func TestParseUnitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"Key=1\n", "outside of any section"},
		{"[Unit]\nnot a key\n", "want Key=Value"},
		{"[Unit\n", "invalid section header"},
		{"[Unit]\n=v\n", "want Key=Value"},
	} {
		_, err := ParseUnit("x.container", strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "x.container:") {
			t.Errorf("%q: err = %v, want %q with the file name", tc.text, err, tc.want)
		}
	}
}

func TestSplitWordsAndQuote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`a b  c`, []string{"a", "b", "c"}},
		{`"a b" 'c d' e\ f`, []string{"a b", "c d", "e f"}},
		{`"x\"y" 'it''s'`, []string{`x"y`, "its"}},
		{`a\tb "\x41"`, []string{"a\tb", "A"}},
		{`""`, []string{""}},
		{``, nil},
	} {
		got, err := SplitWords(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitWords(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := SplitWords(`"open`); err == nil {
		t.Error("unterminated quote: no error")
	}
	words := []string{"plain", "two words", `q"uote`, `back\slash`, "", ";", "tab\there", "new\nline"}
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, Quote(w))
	}
	got, err := SplitWords(strings.Join(quoted, " "))
	if err != nil || !reflect.DeepEqual(got, words) {
		t.Errorf("round trip of %q through Quote = %q, %v", words, got, err)
	}
}

func TestExpandCommand(t *testing.T) {
	t.Parallel()
	line := QuoteLiteral("/bin/pm") + " run --cidfile=%t/%n.ctr-id -e " + QuoteLiteral("A=$HOME 100%") + " img"
	got, err := ExpandCommand(line, map[byte]string{'t': "/run/u", 'n': "x.service"})
	want := []string{"/bin/pm", "run", "--cidfile=/run/u/x.service.ctr-id", "-e", "A=$HOME 100%", "img"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ExpandCommand = %q, %v; want %q", got, err, want)
	}
	if _, err := ExpandCommand("a %Z", nil); err == nil {
		t.Error("unknown specifier: no error")
	}
}
