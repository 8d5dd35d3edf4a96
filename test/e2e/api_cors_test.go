package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestAPICORS: with --cors the service answers every request with the
// CORS headers and a browser's preflight with 204; without it, no CORS
// header at all.
func TestAPICORS(t *testing.T) {
	env := newEnv(t)
	sock := env.Dir + "/api.sock"
	headers := func(method string) string {
		res := env.Exec("curl", "-s", "-D", "-", "-o", "/dev/null", "--unix-socket", sock, "-X", method, "http://pm/_ping")
		return strings.ToLower(res.Stdout)
	}
	svc := env.startService(nil, "--time", "1")
	if h := headers("GET"); strings.Contains(h, "access-control-") {
		t.Errorf("CORS headers without --cors:\n%s", h)
	}
	if !svc.waitExit(30 * time.Second) {
		t.Fatal("the service without --cors did not exit when idle")
	}
	env.startService(nil, "--time", "0", "--cors", "*")
	h := headers("GET")
	for _, want := range []string{"http/1.1 200", "access-control-allow-origin: *", "access-control-allow-headers: *", "access-control-allow-methods: "} {
		if !strings.Contains(h, want) {
			t.Errorf("GET /_ping with --cors: no %q in\n%s", want, h)
		}
	}
	if h := headers("OPTIONS"); !strings.Contains(h, "http/1.1 204") || !strings.Contains(h, "access-control-allow-origin: *") {
		t.Errorf("preflight with --cors:\n%s", h)
	}
}
