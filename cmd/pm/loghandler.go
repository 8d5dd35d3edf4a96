package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// logHandler prints diagnostics as Podman does: `WARN[0002] message k=v`,
// the number being seconds since pm started.
type logHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Level
	start time.Time
	attrs []slog.Attr
}

func newLogHandler(w io.Writer, level slog.Level) *logHandler {
	return &logHandler{mu: &sync.Mutex{}, w: w, level: level, start: time.Now()}
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	lvl := r.Level.String()
	if r.Level == slog.LevelWarn {
		lvl = "WARN"
	}
	fmt.Fprintf(&b, "%s[%04d] %s", lvl, int(time.Since(h.start).Seconds()), r.Message)
	add := func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%q", a.Key, a.Value.String())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr{}, h.attrs...), attrs...)
	return &n
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }
