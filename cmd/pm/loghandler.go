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

// levelTrace is --log-level=trace, below debug.
const levelTrace = slog.LevelDebug - 4

// logHandler prints diagnostics as Podman's logger does: on a terminal
// `WARN[0002] message k=v`, the number being seconds since pm started;
// elsewhere `time="..." level=warning msg="message" k=v`.
type logHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Level
	tty   bool
	start time.Time
	attrs []slog.Attr
}

func newLogHandler(w io.Writer, level slog.Level, tty bool) *logHandler {
	return &logHandler{mu: &sync.Mutex{}, w: w, level: level, tty: tty, start: time.Now()}
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

// levelName is a level as Podman's logger names it.
func levelName(l slog.Level) string {
	switch {
	case l <= levelTrace:
		return "trace"
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warning"
	}
	return "error"
}

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	if h.tty {
		lvl := strings.ToUpper(levelName(r.Level))
		fmt.Fprintf(&b, "%s[%04d] %s", lvl[:min(4, len(lvl))], int(time.Since(h.start).Seconds()), r.Message)
	} else {
		fmt.Fprintf(&b, "time=%q level=%s msg=%q", r.Time.Format(time.RFC3339Nano), levelName(r.Level), r.Message)
	}
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
