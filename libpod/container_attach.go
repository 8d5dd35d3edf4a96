package libpod

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"golang.org/x/sys/unix"
)

// Streams are the local ends of an attach.
type Streams struct {
	Stdin  io.Reader // nil: stdin is not forwarded
	Stdout io.Writer
	Stderr io.Writer
}

// Stream numbers on conmon's attach socket.
const (
	attachStdout = 2
	attachStderr = 3
)

// Attached is a connection to a container's conmon attach socket.
type Attached struct {
	conn   *net.UnixConn
	bundle string
	done   chan error
}

// Attach connects to the attach socket of the container whose bundle is
// given and copies its output to s until the container's output ends, and
// s.Stdin to the container.
func Attach(bundle, id string, s Streams) (*Attached, error) {
	conn, err := dialAttach(attachPath(bundle, id))
	if err != nil {
		return nil, err
	}
	a := &Attached{conn: conn, bundle: bundle, done: make(chan error, 1)}
	go func() {
		var err error
		defer func() { a.done <- err }()
		defer define.Recover("copying attach output", &err)
		err = copyOutput(conn, s.Stdout, s.Stderr)
	}()
	if s.Stdin != nil {
		go func() {
			defer define.Recover("copying attach input", nil)
			// Not io.Copy: it may splice or sendfile messages larger than
			// conmon reads from its SOCK_SEQPACKET socket, which drops
			// the rest of each; copyStdin sends 8 KiB messages.
			copyStdin(conn, s.Stdin, nil)
			// Half-close: conmon then closes the container's stdin.
			conn.CloseWrite()
		}()
	}
	return a, nil
}

// attachPath is where conmon made the socket: <socket dir>/<id>/attach.
func attachPath(bundle, id string) string {
	if p := filepath.Join(bundle, id, oci.AttachSocket); exists(p) {
		return p
	}
	return filepath.Join(bundle, oci.AttachSocket)
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// dialAttach connects to a SOCK_SEQPACKET socket whose path may be longer
// than sockaddr_un allows, through /proc/self/fd.
func dialAttach(path string) (*net.UnixConn, error) {
	fd, err := unix.Open(filepath.Dir(path), unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening attach socket directory: %w", err)
	}
	defer unix.Close(fd)
	addr := &net.UnixAddr{Net: "unixpacket", Name: fmt.Sprintf("/proc/self/fd/%d/%s", fd, filepath.Base(path))}
	conn, err := net.DialUnix("unixpacket", nil, addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to attach socket: %w", err)
	}
	return conn, nil
}

func copyOutput(conn *net.UnixConn, stdout, stderr io.Writer) error {
	buf := make([]byte, 8193)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			var w io.Writer
			switch buf[0] {
			case attachStdout:
				w = stdout
			case attachStderr:
				w = stderr
			}
			if w != nil && n > 1 {
				if _, werr := w.Write(buf[1:n]); werr != nil {
					return werr
				}
			}
		}
		if err != nil {
			// conmon closes the socket when the container's output has
			// ended; if stdin bytes pm sent were still unread, the kernel
			// reports that close as a reset rather than an end of file.
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) {
				return nil
			}
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// Wait blocks until the container's output ends.
func (a *Attached) Wait() error {
	err := <-a.done
	a.conn.Close()
	return err
}

// Close drops the connection.
func (a *Attached) Close() error { return a.conn.Close() }

// Resize tells conmon the terminal's new size through the ctl fifo.
func (a *Attached) Resize(height, width uint16) error {
	f, err := os.OpenFile(filepath.Join(a.bundle, oci.CtlFifo), os.O_WRONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("opening ctl fifo: %w", err)
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "1 %d %d\n", height, width)
	return err
}
