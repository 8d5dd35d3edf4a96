package libpod

import (
	"testing"
)

func TestFilterResolvConf(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"nameserver 127.0.0.53\nnameserver 10.0.0.1\nsearch x\n", "nameserver 10.0.0.1\nsearch x\n"},
		{"nameserver 127.0.0.1\n", "nameserver 127.0.0.1\n"},
		{"nameserver ::1\nnameserver 1.1.1.1\n", "nameserver 1.1.1.1\n"},
	}
	for _, c := range cases {
		if got := string(filterResolvConf([]byte(c.in))); got != c.want {
			t.Errorf("filterResolvConf(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
