package libpod

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// journalEntry is one record conmon wrote to the journal for a container
// with the journald log driver: a line (MESSAGE ends with a newline) or a
// part of one (CONTAINER_PARTIAL_MESSAGE=true), stderr at priority 3.
type journalEntry struct {
	cursor  string
	time    time.Time
	stream  string
	partial bool
	content string
}

// journalLogs reads the log of c, whose log driver is journald, from the
// journal (through journalctl, which reads the journal files this user may
// read): the entries whose CONTAINER_ID_FULL is c's. With o.Follow it reads
// what comes after the last entry until c has exited and nothing more
// comes.
func (r *Runtime) journalLogs(ctx context.Context, c *Container, o LogOptions, emit func(LogLine) error) error {
	var j logJoiner
	entries, err := readJournal(ctx, c.ID(), "")
	if err != nil {
		return err
	}
	var lines []LogLine
	for _, e := range entries {
		if l, ok := j.add(e.time, e.stream, e.partial, e.content); ok && o.inRange(l.Time) {
			lines = append(lines, l)
		}
	}
	if !o.Follow {
		for _, l := range j.flush() {
			if o.inRange(l.Time) {
				lines = append(lines, l)
			}
		}
	}
	if err := emitTail(lines, o, emit); err != nil {
		return err
	}
	if !o.Follow {
		return nil
	}
	cursor := ""
	if len(entries) > 0 {
		cursor = entries[len(entries)-1].cursor
	}
	exited := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(200 * time.Millisecond):
		}
		entries, err := readJournal(ctx, c.ID(), cursor)
		if err != nil {
			return err
		}
		for _, e := range entries {
			cursor = e.cursor
			if l, ok := j.add(e.time, e.stream, e.partial, e.content); ok && o.inRange(l.Time) {
				if err := emit(l); err != nil {
					return err
				}
			}
		}
		if len(entries) > 0 {
			continue
		}
		// The journal takes conmon's last lines a moment after they are
		// sent: one more read after the exit is seen.
		if exited {
			return emitRest(&j, o, emit)
		}
		if !o.Until.IsZero() && time.Now().After(o.Until) {
			return nil
		}
		exited = !r.stillRunning(ctx, c.ID())
	}
}

// readJournal returns the journal's entries of container id, after cursor
// when it is set.
func readJournal(ctx context.Context, id, cursor string) ([]journalEntry, error) {
	path, err := exec.LookPath("journalctl")
	if err != nil {
		return nil, define.Errorf(define.ErrUnsupported, "reading the journald log of %s: journalctl is not installed", id)
	}
	args := []string{"--no-pager", "--quiet", "--output=json", "--output-fields=MESSAGE,PRIORITY,CONTAINER_PARTIAL_MESSAGE"}
	if cursor != "" {
		args = append(args, "--after-cursor="+cursor)
	}
	args = append(args, "CONTAINER_ID_FULL="+id)
	cmd := exec.CommandContext(ctx, path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("reading the journald log of %s: journalctl: %s", id, msg)
	}
	return parseJournal(out)
}

// parseJournal reads journalctl's JSON output, one entry a line.
func parseJournal(out []byte) ([]journalEntry, error) {
	var entries []journalEntry
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("reading the journal: %w", err)
		}
		e := journalEntry{cursor: journalString(m["__CURSOR"]), stream: "stdout"}
		if us, err := strconv.ParseInt(journalString(m["__REALTIME_TIMESTAMP"]), 10, 64); err == nil {
			e.time = time.UnixMicro(us)
		}
		if journalString(m["PRIORITY"]) == "3" {
			e.stream = "stderr"
		}
		e.partial = journalString(m["CONTAINER_PARTIAL_MESSAGE"]) == "true"
		e.content = journalString(m["MESSAGE"])
		if !e.partial {
			e.content = strings.TrimSuffix(e.content, "\n")
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the journal: %w", err)
	}
	return entries, nil
}

// journalString is a field of journalctl's JSON: a string, or, for values
// that are not printable UTF-8, an array of bytes.
func journalString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	var b []byte
	var ints []int
	if err := json.Unmarshal(raw, &ints); err == nil {
		for _, i := range ints {
			b = append(b, byte(i))
		}
		return string(b)
	}
	return ""
}
