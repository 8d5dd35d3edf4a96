package libpod

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// LogLine is one line of a container's log, partial lines joined.
type LogLine struct {
	Time    time.Time
	Stream  string // "stdout" or "stderr"
	Content string // without the newline
	// Partial is set on a line the container had not ended when it
	// exited (the last part of the log has no newline).
	Partial bool
	CID     string
	Name    string
}

// LogOptions say which lines ReadLogs returns.
type LogOptions struct {
	Follow bool
	Since  time.Time // zero: from the start
	Until  time.Time // zero: to the end
	Tail   int       // only the last N lines; negative for all
}

// ParseLogLine parses one k8s-file line: "TIMESTAMP STREAM F|P CONTENT".
func ParseLogLine(s string) (t time.Time, stream string, partial bool, content string, err error) {
	parts := strings.SplitN(s, " ", 4)
	if len(parts) < 3 {
		return t, "", false, "", fmt.Errorf("malformed log line %q", s)
	}
	t, err = time.Parse(time.RFC3339Nano, parts[0])
	if err != nil {
		return t, "", false, "", fmt.Errorf("malformed log line time %q: %w", parts[0], err)
	}
	stream = parts[1]
	switch parts[2] {
	case "P":
		partial = true
	case "F":
	default:
		return t, "", false, "", fmt.Errorf("malformed log line tag %q", parts[2])
	}
	if len(parts) == 4 {
		content = parts[3]
	}
	return t, stream, partial, content, nil
}

// logJoiner joins partial lines, per stream, into whole lines.
type logJoiner struct {
	pending map[string]*LogLine
}

// add takes one parsed record and returns the whole line it completes.
func (j *logJoiner) add(t time.Time, stream string, partial bool, content string) (LogLine, bool) {
	if j.pending == nil {
		j.pending = map[string]*LogLine{}
	}
	p := j.pending[stream]
	if partial {
		if p == nil {
			j.pending[stream] = &LogLine{Time: t, Stream: stream, Content: content}
		} else {
			p.Content += content
		}
		return LogLine{}, false
	}
	if p != nil {
		delete(j.pending, stream)
		p.Content += content
		return *p, true
	}
	return LogLine{Time: t, Stream: stream, Content: content}, true
}

// flush returns the unfinished lines, marked partial.
func (j *logJoiner) flush() []LogLine {
	var out []LogLine
	for _, s := range []string{"stdout", "stderr"} {
		if p := j.pending[s]; p != nil {
			p.Partial = true
			out = append(out, *p)
			delete(j.pending, s)
		}
	}
	return out
}

// inRange reports whether t lies within the options' since and until.
func (o LogOptions) inRange(t time.Time) bool {
	if !o.Since.IsZero() && t.Before(o.Since) {
		return false
	}
	if !o.Until.IsZero() && t.After(o.Until) {
		return false
	}
	return true
}

// ParseLogs reads a whole k8s-file log and returns its lines per o's
// since, until and tail. Malformed lines are skipped.
func ParseLogs(r io.Reader, o LogOptions) ([]LogLine, error) {
	var out []LogLine
	var j logJoiner
	br := bufio.NewReader(r)
	for {
		s, err := br.ReadString('\n')
		if s = strings.TrimSuffix(s, "\n"); s != "" {
			if t, stream, partial, content, perr := ParseLogLine(s); perr == nil {
				if l, ok := j.add(t, stream, partial, content); ok && o.inRange(l.Time) {
					out = append(out, l)
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	for _, l := range j.flush() {
		if o.inRange(l.Time) {
			out = append(out, l)
		}
	}
	if o.Tail >= 0 && len(out) > o.Tail {
		out = out[len(out)-o.Tail:]
	}
	return out, nil
}

// logPathOf returns the k8s-file log of c, or an error for a container
// whose log driver keeps no readable log.
func (r *Runtime) logPathOf(c *Container) (string, error) {
	switch d := c.Config.LogDriver; d {
	case "", "k8s-file", "json-file":
	case "none", "passthrough":
		return "", define.Errorf(define.ErrUnsupported, "this container is using the '%s' log driver, cannot read logs: this container is not logging output", d)
	default:
		return "", define.Errorf(define.ErrUnsupported, "reading logs of the %q log driver is not supported", d)
	}
	if c.Config.LogPath != "" {
		return c.Config.LogPath, nil
	}
	return filepath.Join(r.bundleDir(c.ID()), "ctr.log"), nil
}

// ContainerLogs sends the lines of a container's log to out, per o. With
// o.Follow it goes on until the container exits and its log is drained,
// or ctx ends; it survives the log's rotation by conmon.
func (r *Runtime) ContainerLogs(ctx context.Context, idOrName string, o LogOptions, out func(LogLine) error) error {
	c, err := r.LookupContainer(ctx, idOrName)
	if err != nil {
		return err
	}
	if o.Follow && c.Config.LogDriver == "journald" && r.cfg.Engine.EventsLogger != "journald" {
		// Podman follows a journald log through its events in the
		// journal; this check comes first there too.
		return define.Errorf(define.ErrUnsupported, "using --follow with the journald --log-driver but without the journald --events-backend (%s) is not supported", r.cfg.Engine.EventsLogger)
	}
	emit := func(l LogLine) error {
		l.CID, l.Name = c.ID(), c.Name()
		return out(l)
	}
	if c.Config.LogDriver == "journald" {
		return r.journalLogs(ctx, c, o, emit)
	}
	path, err := r.logPathOf(c)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && (o.Follow || c.State.Status == define.StatusCreated || c.State.Status == define.StatusConfigured) {
		f = nil
	} else if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("opening log of %s: %w", c.Name(), err)
	}
	if f != nil {
		defer func() { f.Close() }()
	}
	if !o.Follow {
		if f == nil {
			return nil
		}
		lines, err := ParseLogs(f, o)
		if err != nil {
			return fmt.Errorf("reading log of %s: %w", c.Name(), err)
		}
		for _, l := range lines {
			if err := emit(l); err != nil {
				return err
			}
		}
		return nil
	}
	return r.followLogs(ctx, c, path, f, o, emit)
}

// followLogs is ContainerLogs with Follow: the existing lines (with tail)
// first, then new ones as they come.
func (r *Runtime) followLogs(ctx context.Context, c *Container, path string, f *os.File, o LogOptions, emit func(LogLine) error) error {
	var j logJoiner
	var br *bufio.Reader
	var partialBuf string
	// The lines present now, with since/until/tail applied.
	if f != nil {
		data, err := io.ReadAll(f)
		if err != nil {
			return fmt.Errorf("reading log of %s: %w", c.Name(), err)
		}
		s := string(data)
		cut := strings.LastIndexByte(s, '\n') + 1
		partialBuf = s[cut:]
		var lines []LogLine
		for _, ln := range strings.Split(strings.TrimSuffix(s[:cut], "\n"), "\n") {
			if ln == "" {
				continue
			}
			if t, stream, partial, content, err := ParseLogLine(ln); err == nil {
				if l, ok := j.add(t, stream, partial, content); ok && o.inRange(l.Time) {
					lines = append(lines, l)
				}
			}
		}
		if err := emitTail(lines, o, emit); err != nil {
			return err
		}
		br = bufio.NewReader(f)
	}
	lastCheck := time.Time{}
	exited := false
	for {
		if br == nil {
			nf, err := os.Open(path)
			if err == nil {
				f, br = nf, bufio.NewReader(nf)
				defer nf.Close()
			}
		}
		progressed := false
		if br != nil {
			for {
				s, err := br.ReadString('\n')
				partialBuf += s
				if err != nil {
					break
				}
				progressed = true
				ln := strings.TrimSuffix(partialBuf, "\n")
				partialBuf = ""
				t, stream, partial, content, perr := ParseLogLine(ln)
				if perr != nil {
					continue
				}
				if l, ok := j.add(t, stream, partial, content); ok && o.inRange(l.Time) {
					if err := emit(l); err != nil {
						return err
					}
				}
			}
			// Rotation: conmon replaced the file; read the new one from
			// its start once the old one is drained.
			if st, err := os.Stat(path); err == nil {
				if old, err := f.Stat(); err == nil && !os.SameFile(st, old) {
					f.Close()
					f, br, partialBuf = nil, nil, ""
					continue
				} else if err == nil {
					if pos, err := f.Seek(0, io.SeekCurrent); err == nil && st.Size() < pos-int64(br.Buffered()) {
						f.Seek(0, io.SeekStart)
						br.Reset(f)
						partialBuf = ""
					}
				}
			}
		}
		if progressed {
			continue
		}
		if exited {
			return emitRest(&j, o, emit)
		}
		if !o.Until.IsZero() && time.Now().After(o.Until) {
			return nil
		}
		if time.Since(lastCheck) > 200*time.Millisecond {
			lastCheck = time.Now()
			if !r.stillRunning(ctx, c.ID()) {
				// One more pass drains what was written before the exit.
				exited = true
				continue
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// emitTail sends lines, only the last o.Tail of them when o.Tail is set.
func emitTail(lines []LogLine, o LogOptions, emit func(LogLine) error) error {
	if o.Tail >= 0 && len(lines) > o.Tail {
		lines = lines[len(lines)-o.Tail:]
	}
	for _, l := range lines {
		if err := emit(l); err != nil {
			return err
		}
	}
	return nil
}

// emitRest sends the partial lines j still holds, per o's time range.
func emitRest(j *logJoiner, o LogOptions, emit func(LogLine) error) error {
	for _, l := range j.flush() {
		if o.inRange(l.Time) {
			if err := emit(l); err != nil {
				return err
			}
		}
	}
	return nil
}

// stillRunning reports whether a container may still write to its log.
func (r *Runtime) stillRunning(ctx context.Context, id string) bool {
	c, err := r.getContainer(ctx, id)
	if err != nil {
		return false
	}
	if !c.State.Status.Active() {
		return false
	}
	if r.observe(c) {
		return false
	}
	return c.State.ConmonPid == 0 || syscall.Kill(c.State.ConmonPid, 0) == nil
}
