package handlers

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
)

// Stream numbers of Docker's multiplexed stream format.
const (
	StreamStdin  = 0
	StreamStdout = 1
	StreamStderr = 2
)

// MuxWriter frames writes for one stream of Docker's multiplexed format:
// an 8-byte header (stream, 0, 0, 0, big-endian length), then the data.
// Writers of one connection share mu so frames never interleave.
type MuxWriter struct {
	W      io.Writer
	Stream byte
	Mu     *sync.Mutex
}

func (m *MuxWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var hdr [8]byte
	hdr[0] = m.Stream
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(p)))
	m.Mu.Lock()
	defer m.Mu.Unlock()
	if _, err := m.W.Write(hdr[:]); err != nil {
		return 0, err
	}
	n, err := m.W.Write(p)
	Flush(m.W)
	return n, err
}

// lockedWriter serialises raw writes of two streams onto one connection.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.w.Write(p)
	Flush(l.w)
	return n, err
}

// OutputStreams returns the stdout and stderr writers onto w: raw (for a
// terminal, where there is only one stream) or multiplexed.
func OutputStreams(w io.Writer, tty bool) (stdout, stderr io.Writer) {
	mu := &sync.Mutex{}
	if tty {
		lw := &lockedWriter{w: w, mu: mu}
		return lw, lw
	}
	return &MuxWriter{W: w, Stream: StreamStdout, Mu: mu}, &MuxWriter{W: w, Stream: StreamStderr, Mu: mu}
}

// Hijacked is a connection taken over from the HTTP server for a
// bidirectional stream (attach, exec start).
type Hijacked struct {
	Conn net.Conn
	// In reads what the client sends, starting with what the server
	// buffered already.
	In  io.Reader
	Out io.Writer
}

// Hijack takes the connection over and writes the response head: 101
// UPGRADED when the client asked for an upgrade, else 200, with the
// stream's content type.
func Hijack(w http.ResponseWriter, r *http.Request, tty bool) (*Hijacked, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, fmt.Errorf("connection cannot be hijacked")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil, fmt.Errorf("hijacking connection: %w", err)
	}
	ctype := "application/vnd.docker.multiplexed-stream"
	if tty {
		ctype = "application/vnd.docker.raw-stream"
	}
	head := "HTTP/1.1 200 OK\r\nContent-Type: " + ctype + "\r\n\r\n"
	if r.Header.Get("Upgrade") != "" {
		head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + ctype + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
	}
	if _, err := conn.Write([]byte(head)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("writing response head: %w", err)
	}
	return &Hijacked{Conn: conn, In: readerOf(buf, conn), Out: conn}, nil
}

func readerOf(buf *bufio.ReadWriter, conn net.Conn) io.Reader {
	if buf != nil && buf.Reader.Buffered() > 0 {
		return io.MultiReader(io.LimitReader(buf.Reader, int64(buf.Reader.Buffered())), conn)
	}
	return conn
}

// CloseWrite half-closes the connection so the client sees the end of
// the output, then closes it.
func (h *Hijacked) Close() error {
	if cw, ok := h.Conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	return h.Conn.Close()
}
