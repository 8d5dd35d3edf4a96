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
	// Podman's words for a URI without a scheme pm serves.
	for uri, want := range map[string]string{
		"localhost:9292": `API Service endpoint scheme "localhost" is not supported. Try tcp://localhost:9292 or unix:/localhost:9292`,
		"myunix.sock":    `API Service endpoint scheme "" is not supported. Try tcp://myunix.sock or unix:/myunix.sock`,
	} {
		if l, err := Listen(uri); err == nil {
			l.Close()
			t.Errorf("Listen(%q) accepted", uri)
		} else if err.Error() != want {
			t.Errorf("Listen(%q): %q, want %q", uri, err, want)
		}
	}
}
