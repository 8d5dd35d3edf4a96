package libpod

import (
	"errors"
	"fmt"
	"github.com/pm-project/pm/libpod/define"
	"io"
	"net"
	"strings"
)

// ErrDetached is returned by an attach's Wait when the user typed the
// detach keys: the container goes on running.
var ErrDetached = errors.New("detached from the container")

// DefaultDetachKeys is the detach sequence when none is given.
const DefaultDetachKeys = "ctrl-p,ctrl-q"

// ParseDetachKeys turns Docker's detach-key notation ("ctrl-p,ctrl-q",
// "a,ctrl-@") into the byte sequence; "" disables detaching (nil).
func ParseDetachKeys(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	var out []byte
	for _, k := range strings.Split(s, ",") {
		low := strings.ToLower(k)
		switch {
		case len(k) == 1:
			out = append(out, k[0])
		case strings.HasPrefix(low, "ctrl-") && len(k) == 6:
			c := low[5]
			switch {
			case c >= 'a' && c <= 'z':
				out = append(out, c-'a'+1)
			case c == '@':
				out = append(out, 0)
			case c == '[':
				out = append(out, 27)
			case c == '\\':
				out = append(out, 28)
			case c == ']':
				out = append(out, 29)
			case c == '^':
				out = append(out, 30)
			case c == '_':
				out = append(out, 31)
			default:
				return nil, fmt.Errorf("invalid detach key %q: %w", k, errInvalidKeys)
			}
		default:
			return nil, fmt.Errorf("invalid detach key %q: %w", k, errInvalidKeys)
		}
	}
	return out, nil
}

var errInvalidKeys = errors.New("use a single character or ctrl-<value> where <value> is one of a-z, @, ^, [, \\, ], _")

// keyScanner finds a detach sequence in a byte stream, holding back the
// bytes of a partial match until it is complete or broken.
type keyScanner struct {
	keys []byte
	held int // bytes of keys matched so far
}

// feed returns the bytes of p to forward and whether the sequence was
// completed (the bytes before it are still returned).
func (k *keyScanner) feed(p []byte) ([]byte, bool) {
	if len(k.keys) == 0 {
		return p, false
	}
	out := make([]byte, 0, len(p)+k.held)
	for _, b := range p {
		if b == k.keys[k.held] {
			k.held++
			if k.held == len(k.keys) {
				k.held = 0
				return out, true
			}
			continue
		}
		// A broken match: forward what was held, then retry b.
		out = append(out, k.keys[:k.held]...)
		k.held = 0
		if b == k.keys[0] {
			k.held = 1
			continue
		}
		out = append(out, b)
	}
	return out, false
}

// copyStdin forwards in to conn until in ends (nil) or the detach keys are
// read (ErrDetached).
func copyStdin(conn *net.UnixConn, in io.Reader, keys []byte) error {
	ks := &keyScanner{keys: keys}
	buf := make([]byte, 8192)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			out, detach := ks.feed(buf[:n])
			if len(out) > 0 {
				if _, werr := conn.Write(out); werr != nil {
					return werr
				}
			}
			if detach {
				return ErrDetached
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// AttachDetachable is Attach with detach keys: typing keys on s.Stdin
// makes Wait return ErrDetached, leaving the container's stdin open.
func AttachDetachable(bundle, id string, s Streams, keys []byte) (*Attached, error) {
	conn, err := dialAttach(attachPath(bundle, id))
	if err != nil {
		return nil, err
	}
	a := &Attached{conn: conn, bundle: bundle, done: make(chan error, 2)}
	go func() {
		var err error
		defer func() { a.done <- err }()
		defer define.Recover("copying attach output", &err)
		err = copyOutput(conn, s.Stdout, s.Stderr)
	}()
	if s.Stdin != nil {
		go func() {
			defer define.Recover("copying attach input", nil)
			err := copyStdin(conn, s.Stdin, keys)
			if errors.Is(err, ErrDetached) {
				a.done <- ErrDetached
				return
			}
			// Half-close: conmon then closes the process's stdin.
			conn.CloseWrite()
		}()
	}
	return a, nil
}
