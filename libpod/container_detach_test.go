package libpod

import (
	"bytes"
	"testing"
)

func TestParseDetachKeys(t *testing.T) {
	cases := map[string][]byte{
		"ctrl-p,ctrl-q": {16, 17},
		"a,ctrl-@":      {'a', 0},
		"ctrl-[,ctrl-_": {27, 31},
		"ctrl-A":        {1},
		"":              nil,
	}
	for in, want := range cases {
		got, err := ParseDetachKeys(in)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ParseDetachKeys(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"ctrl-", "ctrl-1", "ab", "ctrl-p,,"} {
		if _, err := ParseDetachKeys(bad); err == nil {
			t.Errorf("ParseDetachKeys(%q) succeeded", bad)
		}
	}
}

func TestKeyScanner(t *testing.T) {
	cases := []struct {
		chunks [][]byte
		out    string
		detach bool
	}{
		{[][]byte{[]byte("abc")}, "abc", false},
		{[][]byte{[]byte("ab\x10\x11cd")}, "ab", true},
		{[][]byte{[]byte("ab\x10"), []byte("\x11")}, "ab", true},
		{[][]byte{[]byte("a\x10b")}, "a\x10b", false},
		{[][]byte{[]byte("\x10\x10\x11")}, "\x10", true},
		{[][]byte{[]byte("\x10"), []byte("x")}, "\x10x", false},
	}
	for _, c := range cases {
		ks := &keyScanner{keys: []byte{16, 17}}
		var out []byte
		detached := false
		for _, ch := range c.chunks {
			o, d := ks.feed(ch)
			out = append(out, o...)
			if d {
				detached = true
				break
			}
		}
		if string(out) != c.out || detached != c.detach {
			t.Errorf("%q: got %q %v, want %q %v", c.chunks, out, detached, c.out, c.detach)
		}
	}
	ks := &keyScanner{}
	if o, d := ks.feed([]byte("\x10\x11")); d || string(o) != "\x10\x11" {
		t.Errorf("no keys: got %q %v", o, d)
	}
}
