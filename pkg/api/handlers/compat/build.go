package compat

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
	"github.com/pm-project/pm/pkg/specgen"
)

// build runs the engine's builder on the context tar in the body,
// streaming {"stream": ...} lines and ending with an {"error": ...} line
// when it fails.
func (a *api) build(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req := engine.BuildRequest{Context: r.Body, Dockerfile: q.Get("dockerfile"), Tags: q["t"],
		Target: q.Get("target"), NoCache: queryTrue(q, "nocache")}
	for k, dst := range map[string]*map[string]string{"buildargs": &req.BuildArgs, "labels": &req.Labels} {
		if v := q.Get(k); v != "" {
			var m map[string]*string
			if err := json.Unmarshal([]byte(v), &m); err != nil {
				return handlers.BadRequest("invalid %s %q: %v", k, v, err)
			}
			*dst = map[string]string{}
			for mk, mv := range m {
				if mv != nil {
					(*dst)[mk] = *mv
				}
			}
		}
	}
	if err := buildOptions(q, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	out := handlers.JSONLines{W: w}
	lines := &streamLines{out: out}
	req.Output = lines
	req.Warn = func(msg string) { lines.Write([]byte("WARNING: " + msg + "\n")) }
	quiet := queryTrue(q, "q")
	if quiet {
		req.Output = io.Discard
	}
	rep, err := a.eng.Build(r.Context(), req)
	lines.flush()
	if err != nil {
		sendError(out, err)
		return nil
	}
	if quiet {
		// What the docker CLI's -q prints: the ID alone.
		out.Send(jsonstream.Message{Stream: sha(rep.ID) + "\n"})
	}
	aux, err := json.Marshal(build.Result{ID: sha(rep.ID)})
	if err != nil {
		return fmt.Errorf("encoding build result: %w", err)
	}
	return out.Send(jsonstream.Message{Aux: (*json.RawMessage)(&aux)})
}

// queryTrue reads a boolean query parameter as Docker does: 1 or true.
func queryTrue(q url.Values, k string) bool {
	v := q.Get(k)
	return v == "1" || strings.EqualFold(v, "true")
}

// buildOptions reads the build's options beyond the Dockerfile's inputs:
// pull, the limits and network of RUN steps, the platform. Those pm's
// builder does not have are refused unless they hold their defaults (the
// docker CLI sends most of them every time).
func buildOptions(q url.Values, req *engine.BuildRequest) error {
	if queryTrue(q, "pull") {
		req.Pull = "always"
	}
	if q.Has("rm") && !queryTrue(q, "rm") {
		return handlers.BadRequest("rm=0 (keeping the build's containers) is not supported: pm's builder always removes them")
	}
	for _, k := range []string{"squash"} {
		if queryTrue(q, k) {
			return handlers.BadRequest("%s is not supported by pm's builder", k)
		}
	}
	for _, k := range []string{"remote", "cpusetmems", "cgroupparent", "securityopt", "outputs"} {
		if v := q.Get(k); v != "" && v != "[]" && v != "null" {
			return handlers.BadRequest("%s=%s is not supported by pm's builder", k, v)
		}
	}
	if v := q.Get("cachefrom"); v != "" && v != "[]" && v != "null" {
		return handlers.BadRequest("cachefrom=%s is not supported: pm's builder caches steps only from its own builds", v)
	}
	switch v := q.Get("version"); v {
	case "", "1":
	default:
		return handlers.BadRequest("builder version %s (BuildKit) is not supported: pm serves the classic builder (DOCKER_BUILDKIT=0)", v)
	}
	switch v := q.Get("isolation"); v {
	case "", "default":
	default:
		return handlers.BadRequest("isolation=%s is not supported", v)
	}
	switch v := q.Get("networkmode"); v {
	case "", "default", "host":
	case "none":
		req.Network = "none"
	default:
		return handlers.BadRequest("networkmode=%s is not supported by pm's builder: RUN steps use the host's network, or none", v)
	}
	req.Platform = q.Get("platform")
	req.AddHosts = q["extrahosts"]
	nums := map[string]*int64{"shmsize": &req.ShmSize, "memory": &req.Resources.MemoryBytes, "memswap": &req.Resources.MemorySwap}
	var shares, quota, period int64
	nums["cpushares"], nums["cpuquota"], nums["cpuperiod"] = &shares, &quota, &period
	for k, dst := range nums {
		if v := q.Get(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < -1 || n == -1 && k != "memswap" {
				return handlers.BadRequest("invalid %s=%s", k, v)
			}
			*dst = n
		}
	}
	req.Resources.CPUShares = uint64(shares)
	if quota > 0 {
		if period == 0 {
			period = 100000
		}
		req.Resources.CPUs = float64(quota) / float64(period)
	}
	req.Resources.CPUSetCPUs = q.Get("cpusetcpus")
	if v := q.Get("ulimits"); v != "" && v != "null" {
		var ls []struct {
			Name       string
			Soft, Hard int64
		}
		if err := json.Unmarshal([]byte(v), &ls); err != nil {
			return handlers.BadRequest("invalid ulimits %q: %v", v, err)
		}
		for _, l := range ls {
			u, err := specgen.ParseUlimit(l.Name + "=" + strconv.FormatInt(l.Soft, 10) + ":" + strconv.FormatInt(l.Hard, 10))
			if err != nil {
				return handlers.BadRequest("%v", err)
			}
			req.Ulimits = append(req.Ulimits, u)
		}
	}
	return nil
}

// streamLines sends text as Docker's {"stream": ...} messages, a line at
// a time. A build's pulls write to it from each layer copy at once:
// writes are serialised, and a panic in one is logged rather than ending
// the service.
type streamLines struct {
	mu  sync.Mutex
	out handlers.JSONLines
	buf strings.Builder
}

func (s *streamLines) Write(p []byte) (n int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer define.Recover("writing build output", &err)
	s.buf.Write(p)
	str := s.buf.String()
	if i := strings.LastIndexByte(str, '\n'); i >= 0 {
		s.out.Send(jsonstream.Message{Stream: str[:i+1]})
		s.buf.Reset()
		s.buf.WriteString(str[i+1:])
	}
	return len(p), nil
}

func (s *streamLines) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buf.Len() > 0 {
		s.out.Send(jsonstream.Message{Stream: s.buf.String()})
		s.buf.Reset()
	}
}
