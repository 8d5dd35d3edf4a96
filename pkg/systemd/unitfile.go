package systemd

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// UnitFile is a parsed systemd unit file (or quadlet file): its sections
// and their entries, in the order written. Comments are not kept.
type UnitFile struct {
	// Name is the file's name, for messages.
	Name     string
	Sections []*Section
}

// Section is one [Name] of a unit file.
type Section struct {
	Name    string
	Entries []Entry
}

// Entry is one Key=Value line, with continuation lines joined.
type Entry struct {
	Key, Value string
	Line       int // where the entry starts, 1-based; 0 when added in code
}

// ParseUnit reads a unit file in systemd's syntax: [Section] headers,
// Key=Value entries (whitespace around both trimmed), comment lines
// starting with # or ;, and lines continued by a trailing backslash, which
// becomes a space as systemd reads it.
func ParseUnit(name string, r io.Reader) (*UnitFile, error) {
	u := &UnitFile{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	var cur *Section
	lineNo := 0
	var pending strings.Builder // an entry being continued
	pendingLine := 0
	continued := false
	flush := func() error {
		text := pending.String()
		pending.Reset()
		continued = false
		if strings.TrimSpace(text) == "" {
			return nil
		}
		k, v, ok := strings.Cut(text, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return define.Invalidf("%s:%d: invalid line %q: want Key=Value", name, pendingLine, strings.TrimSpace(text))
		}
		if cur == nil {
			return define.Invalidf("%s:%d: key %q outside of any section", name, pendingLine, k)
		}
		cur.Entries = append(cur.Entries, Entry{Key: k, Value: strings.TrimSpace(v), Line: pendingLine})
		return nil
	}
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			// Comments inside a continued entry are skipped, as systemd does.
			continue
		}
		if !continued {
			if trimmed == "" {
				continue
			}
			if strings.HasPrefix(trimmed, "[") {
				if !strings.HasSuffix(trimmed, "]") || len(trimmed) < 3 {
					return nil, define.Invalidf("%s:%d: invalid section header %q", name, lineNo, trimmed)
				}
				cur = u.Section(trimmed[1 : len(trimmed)-1])
				continue
			}
			pendingLine = lineNo
		}
		if strings.HasSuffix(line, `\`) && !strings.HasSuffix(line, `\\`) {
			pending.WriteString(strings.TrimSuffix(line, `\`))
			pending.WriteByte(' ')
			continued = true
			continue
		}
		pending.WriteString(line)
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if continued {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// Section returns the section called name, adding it when missing. Several
// [name] headers in one file make one section, as in systemd.
func (u *UnitFile) Section(name string) *Section {
	for _, s := range u.Sections {
		if s.Name == name {
			return s
		}
	}
	s := &Section{Name: name}
	u.Sections = append(u.Sections, s)
	return s
}

// HasSection reports whether the file has a section called name.
func (u *UnitFile) HasSection(name string) bool {
	for _, s := range u.Sections {
		if s.Name == name {
			return true
		}
	}
	return false
}

// Lookup returns the last value of key in section: later lines override
// earlier ones.
func (u *UnitFile) Lookup(section, key string) (string, bool) {
	vals := u.LookupAll(section, key)
	if len(vals) == 0 {
		return "", false
	}
	return vals[len(vals)-1], true
}

// LookupAll returns every value of key in section, in order.
func (u *UnitFile) LookupAll(section, key string) []string {
	var out []string
	for _, s := range u.Sections {
		if s.Name != section {
			continue
		}
		for _, e := range s.Entries {
			if e.Key == key {
				out = append(out, e.Value)
			}
		}
	}
	return out
}

// Add appends Key=Value to section.
func (u *UnitFile) Add(section, key, value string) {
	s := u.Section(section)
	s.Entries = append(s.Entries, Entry{Key: key, Value: value})
}

// String writes the file back in systemd's syntax; values that hold line
// breaks are continued with a backslash.
func (u *UnitFile) String() string {
	var b strings.Builder
	for i, s := range u.Sections {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "[%s]\n", s.Name)
		for _, e := range s.Entries {
			fmt.Fprintf(&b, "%s=%s\n", e.Key, strings.ReplaceAll(e.Value, "\n", " \\\n"))
		}
	}
	return b.String()
}

// SplitWords splits a value into words as systemd splits a command line:
// at whitespace, with "double" and 'single' quotes and C-style backslash
// escapes (\n, \t, \\, \", \', \xHH, and a backslash before any other
// character standing for that character).
func SplitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return nil, define.Invalidf("trailing backslash in %q", s)
			}
			i++
			r, n, err := unescape(s[i:])
			if err != nil {
				return nil, define.Invalidf("%v in %q", err, s)
			}
			w.WriteString(r)
			i += n - 1
			inWord = true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				w.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
			inWord = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, define.Invalidf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// unescape decodes the escape at the start of s (just after the
// backslash): the text it stands for and how many bytes it took.
func unescape(s string) (string, int, error) {
	switch s[0] {
	case 'n':
		return "\n", 1, nil
	case 't':
		return "\t", 1, nil
	case 'r':
		return "\r", 1, nil
	case 'a':
		return "\a", 1, nil
	case 'b':
		return "\b", 1, nil
	case 'f':
		return "\f", 1, nil
	case 'v':
		return "\v", 1, nil
	case 's':
		return " ", 1, nil
	case 'x':
		if len(s) < 3 {
			return "", 0, fmt.Errorf("short \\x escape")
		}
		n, err := strconv.ParseUint(s[1:3], 16, 8)
		if err != nil {
			return "", 0, fmt.Errorf("invalid \\x escape")
		}
		return string([]byte{byte(n)}), 3, nil
	}
	return s[:1], 1, nil
}

// Quote writes one word of a command line so that SplitWords (and systemd)
// read it back unchanged. It does not escape % specifiers or $ variables.
func Quote(w string) string {
	if w == "" {
		return `""`
	}
	if w == ";" {
		return `\;`
	}
	if !strings.ContainsAny(w, " \t\n\r\"'\\") {
		return w
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(w); i++ {
		switch c := w[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// QuoteLiteral is Quote for a word that must reach the program as written:
// systemd's % specifiers and $ variables in it are escaped.
func QuoteLiteral(w string) string {
	w = strings.ReplaceAll(w, "%", "%%")
	w = strings.ReplaceAll(w, "$", "$$")
	return Quote(w)
}

// ExpandCommand splits an Exec*= value as systemd would run it: words
// split, % specifiers replaced from specs (by their letter; %% is %), and
// $$ turned into $. It is how tests run a generated unit's command by
// hand. A leading "-", "@", "+" or "!" prefix of the executable is dropped.
func ExpandCommand(value string, specs map[byte]string) ([]string, error) {
	words, err := SplitWords(value)
	if err != nil {
		return nil, err
	}
	for i, w := range words {
		var b strings.Builder
		for j := 0; j < len(w); j++ {
			c := w[j]
			switch {
			case c == '%' && j+1 < len(w):
				j++
				if w[j] == '%' {
					b.WriteByte('%')
					continue
				}
				v, ok := specs[w[j]]
				if !ok {
					return nil, define.Invalidf("unknown specifier %%%c in %q", w[j], value)
				}
				b.WriteString(v)
			case c == '$' && j+1 < len(w) && w[j+1] == '$':
				j++
				b.WriteByte('$')
			default:
				b.WriteByte(c)
			}
		}
		words[i] = b.String()
	}
	if len(words) > 0 {
		words[0] = strings.TrimLeft(words[0], "-@+!:")
	}
	return words, nil
}
