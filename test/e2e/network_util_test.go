package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// helperProcs counts this environment's network helpers (pasta,
// slirp4netns, aardvark-dns, rootlesskit's port helper) and conmons: those with its runtime
// directory in their environment or in its user namespace.
func (e *Env) helperProcs() map[string]int {
	marker := "XDG_RUNTIME_DIR=" + e.RuntimeDir
	userns, _ := os.Readlink("/proc/" + strconv.Itoa(e.PausePID()) + "/ns/user")
	out := map[string]int{}
	for _, p := range listProcs() {
		if !p.hasEnv(marker) && (userns == "" || p.userns != userns) {
			continue
		}
		for _, name := range []string{"pasta", "passt", "slirp4netns", "aardvark-dns", "pm-rootlessport", "conmon"} {
			if strings.HasPrefix(p.comm, name) {
				out[name]++
			}
		}
	}
	return out
}

// expectNoHelpers waits briefly for helpers to go and fails if some stay.
func (e *Env) expectNoHelpers(what string) {
	e.t.Helper()
	var left map[string]int
	for i := 0; i < 50; i++ {
		if left = e.helperProcs(); len(left) == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Errorf("%s: helper processes left: %v", what, left)
}

// hostServer serves "hello from the host" on 127.0.0.1 and returns its port.
func hostServer(t *testing.T) int {
	t.Helper()
	return hostServerOn(t, "127.0.0.1")
}

// hostServerOn serves "hello from the host" on addr (every address for
// "0.0.0.0") and returns its port.
func hostServerOn(t *testing.T, addr string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello from the host")
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// httpGet fetches url from the test, retrying while the server starts.
func httpGet(t *testing.T, url string) (string, error) {
	t.Helper()
	c := &http.Client{Timeout: 3 * time.Second}
	var err error
	for i := 0; i < 50; i++ {
		var resp *http.Response
		resp, err = c.Get(url)
		if err == nil {
			b, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == 200 {
				return string(b), nil
			}
			err = fmt.Errorf("status %d, read error %v", resp.StatusCode, rerr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", err
}

// freeHostPort returns a TCP port free on every address right now.
func freeHostPort(t *testing.T) int {
	t.Helper()
	// Below the ephemeral range: the ports pm picks for -p without a
	// host port, and those of outgoing connections, come from it.
	port, err := freePortBelowEphemeral()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// waitListening waits, up to 30 s, until a process of container ctr
// listens on TCP port, as its /proc/net/tcp and tcp6 say: the condition a
// client started next relies on (a server just started with run -d may not
// have bound its port yet).
func (e *Env) waitListening(ctr string, port int) {
	e.t.Helper()
	suffix := fmt.Sprintf(":%04X", port)
	e.waitFor(30*time.Second, fmt.Sprintf("%s to listen on port %d", ctr, port), func() bool {
		res := e.PM("exec", ctr, "cat", "/proc/net/tcp", "/proc/net/tcp6")
		for _, l := range strings.Split(res.Stdout, "\n") {
			// sl local_address rem_address st ...; st 0A is LISTEN.
			if f := strings.Fields(l); len(f) > 3 && strings.HasSuffix(f[1], suffix) && f[3] == "0A" {
				return true
			}
		}
		return false
	})
}
