package server

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/api/handlers/compat"
)

var versionPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/v(\d+)\.(\d+)(/.*)$`) })

// recorder notes whether a handler began its reply, so a late error is
// not written into a stream.
type recorder struct {
	http.ResponseWriter
	wrote  bool
	status int
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.wrote, r.status = true, code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.wrote {
		r.wrote, r.status = true, http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Flush passes flushes through for streamed replies.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack passes hijacking through for attach and exec.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("response cannot be hijacked")
	}
	r.wrote, r.status = true, http.StatusSwitchingProtocols
	return hj.Hijack()
}

// middleware strips and checks the /vX.Y prefix, recovers from panics,
// counts requests for the idle exit and logs each at debug level.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.track(1)
		defer s.track(-1)
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				slog.Error("api handler panicked", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				writeError(rec, r, fmt.Errorf("internal error: %v", p))
			}
			slog.Debug("api request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery,
				"status", rec.status, "duration", time.Since(start).Round(time.Microsecond))
		}()
		version := define.APIVersion
		if m := versionPrefix().FindStringSubmatch(r.URL.Path); m != nil {
			if err := checkVersion(m[1], m[2]); err != nil {
				writeError(rec, r, err)
				return
			}
			version = m[1] + "." + m[2]
			r.URL.Path = m[3]
			r.URL.RawPath = ""
		}
		compat.SetHeaders(rec.Header())
		if s.cors != "" {
			h := rec.Header()
			h.Set("Access-Control-Allow-Origin", s.cors)
			h.Set("Access-Control-Allow-Headers", "*")
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, HEAD, OPTIONS")
			if r.Method == http.MethodOptions {
				rec.WriteHeader(http.StatusNoContent)
				return
			}
		}
		r = r.WithContext(context.WithValue(r.Context(), compat.VersionKey{}, version))
		next.ServeHTTP(rec, r)
	})
}

// checkVersion refuses API versions outside define.MinAPIVersion..APIVersion.
func checkVersion(major, minor string) error {
	v := [2]int{atoi(major), atoi(minor)}
	hi := parseVersion(define.APIVersion)
	lo := parseVersion(define.MinAPIVersion)
	if less(hi, v) {
		return handlers.BadRequest("client version %s.%s is too new. Maximum supported API version is %s", major, minor, define.APIVersion)
	}
	if less(v, lo) {
		return handlers.BadRequest("client version %s.%s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", major, minor, define.MinAPIVersion)
	}
	return nil
}

func parseVersion(s string) [2]int {
	var v [2]int
	fmt.Sscanf(s, "%d.%d", &v[0], &v[1])
	return v
}

func less(a, b [2]int) bool { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
