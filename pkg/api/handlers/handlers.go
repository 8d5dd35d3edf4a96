// Package handlers holds what the API's two sets of handlers share: the
// route and handler types, request decoding, JSON replies and the hijacked
// stream helpers. The server (pkg/api/server) maps a handler's error to a
// status in one place.
package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// HandlerFunc serves one request; a returned error becomes Docker's
// {"message": ...} body with the status StatusOf gives it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one line of a routing table. Path is a net/http ServeMux
// pattern without method, relative to the version prefix.
type Route struct {
	Method  string
	Path    string
	Handler HandlerFunc
}

// statusError forces a status on an error.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// WithStatus returns err answered with status instead of the status of
// its class.
func WithStatus(status int, err error) error {
	if err == nil {
		return nil
	}
	return &statusError{status: status, err: err}
}

// ErrNotModified answers 304 with no body: starting a started container,
// stopping a stopped one.
var ErrNotModified = &statusError{status: http.StatusNotModified, err: errors.New("not modified")}

// StatusOf maps an error to its HTTP status: the one place that does.
func StatusOf(err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	switch {
	case errors.Is(err, define.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, define.ErrAlreadyExists), errors.Is(err, define.ErrConflict), errors.Is(err, define.ErrInvalidState):
		return http.StatusConflict
	case errors.Is(err, define.ErrInvalidArg):
		return http.StatusBadRequest
	case errors.Is(err, define.ErrPermission):
		return http.StatusForbidden
	case errors.Is(err, define.ErrUnsupported):
		return http.StatusNotImplemented
	}
	return http.StatusInternalServerError
}

// BadRequest returns an invalid-argument error with a formatted message.
func BadRequest(format string, args ...any) error {
	return define.Invalidf(format, args...)
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// DecodeJSON reads the request body into v; an empty body leaves v as is.
// Malformed JSON and wrong types are bad requests.
func DecodeJSON(r *http.Request, v any) error {
	if r.Body == nil {
		return nil
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return BadRequest("invalid JSON in request body: field %q: cannot use a %s as %s", te.Field, te.Value, te.Type)
		}
		return BadRequest("invalid JSON in request body: %v", err)
	}
	return nil
}

// QueryBool reads a boolean query parameter; Docker's clients send 1/0,
// true/false, or the bare key.
func QueryBool(r *http.Request, key string, def bool) (bool, error) {
	q := r.URL.Query()
	if !q.Has(key) {
		return def, nil
	}
	v := strings.ToLower(q.Get(key))
	switch v {
	case "", "1", "true", "yes":
		return true, nil
	case "0", "false", "no":
		return false, nil
	}
	return def, BadRequest("invalid boolean %q for query parameter %q", q.Get(key), key)
}

// QueryInt reads an integer query parameter.
func QueryInt(r *http.Request, key string, def int) (int, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, BadRequest("invalid integer %q for query parameter %q", v, key)
	}
	return n, nil
}

// QueryFilters reads Docker's filters parameter, JSON
// {"key":["v1","v2"]} or {"key":{"v1":true}}, as key=value strings.
func QueryFilters(r *http.Request) ([]string, error) {
	raw := r.URL.Query().Get("filters")
	if raw == "" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, BadRequest("invalid filters %q: %v", raw, err)
	}
	var out []string
	for k, v := range m {
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			var set map[string]bool
			if err2 := json.Unmarshal(v, &set); err2 != nil {
				return nil, BadRequest("invalid filter %q: use a list or a set of values", k)
			}
			for s, on := range set {
				if on {
					list = append(list, s)
				}
			}
		}
		for _, s := range list {
			out = append(out, k+"="+s)
		}
	}
	return out, nil
}

// Flush sends what w buffered to the client, if it can.
func Flush(w io.Writer) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// FlushWriter flushes after every write, for streamed replies.
type FlushWriter struct{ W io.Writer }

func (f FlushWriter) Write(p []byte) (int, error) {
	n, err := f.W.Write(p)
	Flush(f.W)
	return n, err
}

// JSONLines writes one JSON value per line, flushing each.
type JSONLines struct{ W io.Writer }

// Send writes v as one line.
func (j JSONLines) Send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding stream message: %w", err)
	}
	if _, err := j.W.Write(append(b, '\n')); err != nil {
		return err
	}
	Flush(j.W)
	return nil
}

// Top is the answer of the top routes: Docker's and Podman's shape.
type Top struct {
	Titles    []string
	Processes [][]string
}

// TopOf builds Top from an engine top report: its rows, or, when ps ran
// in the container, its raw output split into fields, the last column
// (the command) keeping its spaces.
func TopOf(rows [][]string, raw []byte) Top {
	if rows == nil && raw != nil {
		lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
		if len(lines) > 0 && strings.TrimSpace(lines[0]) != "" {
			titles := strings.Fields(lines[0])
			rows = append(rows, titles)
			for _, l := range lines[1:] {
				f := strings.Fields(l)
				if len(f) > len(titles) {
					f = append(f[:len(titles)-1], strings.Join(f[len(titles)-1:], " "))
				}
				rows = append(rows, f)
			}
		}
	}
	out := Top{Titles: []string{}, Processes: [][]string{}}
	if len(rows) > 0 {
		out.Titles = rows[0]
		out.Processes = append(out.Processes, rows[1:]...)
	}
	return out
}
