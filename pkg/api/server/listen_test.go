package server

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestListenURIs: unix:///path, tcp://HOST:PORT and Podman's tcp:HOST:PORT
// listen; a URI without a host:port or path, or of another scheme, is
// refused naming it.
func TestListenURIs(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "s", "api.sock")
	for _, uri := range []string{"unix://" + sock, "tcp://127.0.0.1:0", "tcp:127.0.0.1:0"} {
		l, err := Listen(uri)
		if err != nil {
			t.Errorf("Listen(%q): %v", uri, err)
			continue
		}
		l.Close()
	}
	for _, uri := range []string{"tcp://", "tcp:", "tcp:localhost", "unix://", "http://127.0.0.1:80"} {
		if l, err := Listen(uri); err == nil {
			l.Close()
			t.Errorf("Listen(%q) accepted", uri)
		} else if !strings.Contains(err.Error(), uri) {
			t.Errorf("Listen(%q): %v does not name the URI", uri, err)
		}
	}
}
