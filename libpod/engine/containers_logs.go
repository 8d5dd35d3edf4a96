package engine

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// LogsRequest says which log lines ContainerLogs prints and how.
type LogsRequest struct {
	Follow     bool
	Since      string // RFC 3339 time, Unix time or duration before now
	Until      string
	Tail       int // only the last N lines of each container; negative for all
	Timestamps bool
	Names      bool // prefix lines with the container's name, not its ID
}

// ContainerLogs prints the logs of the named containers: stdout lines to
// stdout, stderr lines to stderr. With several containers each line is
// prefixed with the container's short ID (or name, with Names).
func (e *Engine) ContainerLogs(ctx context.Context, names []string, req LogsRequest, stdout, stderr io.Writer) error {
	now := time.Now()
	var o libpod.LogOptions
	var err error
	o.Follow, o.Tail = req.Follow, req.Tail
	if req.Since != "" {
		if o.Since, err = ParseTime(req.Since, now); err != nil {
			return define.Invalidf("invalid --since %q: %v", req.Since, err)
		}
	}
	if req.Until != "" {
		if o.Until, err = ParseTime(req.Until, now); err != nil {
			return define.Invalidf("invalid --until %q: %v", req.Until, err)
		}
	}
	ids := make([]string, 0, len(names))
	for _, n := range names {
		c, err := e.rt.LookupContainer(ctx, n)
		if err != nil {
			return err
		}
		ids = append(ids, c.ID())
	}
	multi := len(ids) > 1
	var mu sync.Mutex
	out := func(l libpod.LogLine) error {
		var b strings.Builder
		if multi {
			if req.Names {
				b.WriteString(l.Name)
			} else {
				b.WriteString(l.CID[:12])
			}
			b.WriteByte(' ')
		}
		if req.Timestamps {
			b.WriteString(l.Time.Format(time.RFC3339Nano))
			b.WriteByte(' ')
		}
		b.WriteString(l.Content)
		if !l.Partial {
			b.WriteByte('\n')
		}
		w := stdout
		if l.Stream == "stderr" {
			w = stderr
		}
		mu.Lock()
		defer mu.Unlock()
		_, err := io.WriteString(w, b.String())
		return err
	}
	if !req.Follow || len(ids) == 1 {
		for _, id := range ids {
			if err := e.rt.ContainerLogs(ctx, id, o, out); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer define.Recover("reading logs", &errs[i])
			errs[i] = e.rt.ContainerLogs(ctx, id, o, out)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ParseTime reads a --since or --until value: an RFC 3339 time (or a
// shorter date and time, taken as local time), Unix seconds with an
// optional fraction, or a Go duration meaning that long before now.
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02Z07:00", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	if sec, frac, ok := strings.Cut(s, "."); sec != "" && isDigits(sec) && (!ok || isDigits(frac)) {
		n, err := strconv.ParseInt(sec, 10, 64)
		if err == nil {
			var ns int64
			if ok && frac != "" {
				frac = (frac + "000000000")[:9]
				ns, _ = strconv.ParseInt(frac, 10, 64)
			}
			return time.Unix(n, ns), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return time.Time{}, errors.New("use an RFC 3339 time, a Unix timestamp or a duration such as 10m")
	}
	return now.Add(-d), nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
