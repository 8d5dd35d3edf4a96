package compat

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// build runs the engine's builder on the context tar in the body,
// streaming {"stream": ...} lines and ending with an {"error": ...} line
// when it fails.
func (a *api) build(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req := engine.BuildRequest{Context: r.Body, Dockerfile: q.Get("dockerfile"), Tags: q["t"],
		Target: q.Get("target"), NoCache: q.Get("nocache") == "1" || q.Get("nocache") == "true"}
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
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	out := handlers.JSONLines{W: w}
	req.Output = &streamLines{out: out}
	rep, err := a.eng.Build(r.Context(), req)
	req.Output.(*streamLines).flush()
	if err != nil {
		sendError(out, err)
		return nil
	}
	return out.Send(map[string]any{"aux": map[string]string{"ID": sha(rep.ID)}})
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
		s.out.Send(map[string]string{"stream": str[:i+1]})
		s.buf.Reset()
		s.buf.WriteString(str[i+1:])
	}
	return len(p), nil
}

func (s *streamLines) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buf.Len() > 0 {
		s.out.Send(map[string]string{"stream": s.buf.String()})
		s.buf.Reset()
	}
}
