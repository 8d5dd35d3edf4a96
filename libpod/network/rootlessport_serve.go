package network

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/rootless-containers/rootlesskit/v2/pkg/port"
	"github.com/rootless-containers/rootlesskit/v2/pkg/port/builtin"
	"github.com/rootless-containers/rootlesskit/v2/pkg/port/builtin/opaque"
)

// portServer is rootlesskit's builtin port driver, both halves in this
// process, with the ports it publishes.
type portServer struct {
	driver port.ParentDriver
	quit   chan struct{}
	kick   chan struct{} // the driver logged something: a listener may have ended
	done   chan struct{} // supervise has returned

	mu        sync.Mutex
	ready     bool // the driver's halves have met: the child is restarted when it ends
	childDied bool // the child ended before that
	specs     []port.Spec
	ids       []int // the driver's ID of specs[i]; 0 while it is being re-added, -1 once given up
}

// portError is a port the driver could not publish.
type portError struct {
	spec port.Spec
	err  error
}

func (e *portError) Error() string {
	return fmt.Sprintf("publishing %s port %d: %v", e.spec.Proto, e.spec.ParentPort, e.err)
}

func (e *portError) Unwrap() error { return e.err }

// msg is the error without the address the caller names already
// ("address already in use" rather than "listen tcp :80: bind: ...").
func (e *portError) msg() string {
	var op *net.OpError
	if errors.Is(e.err, syscall.EADDRINUSE) && errors.As(e.err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return e.err.Error()
}

// kickWriter is the driver's log: rootlesskit logs, among other things,
// that a listener ended after a failed accept. Each write asks the
// supervisor to look.
type kickWriter chan struct{}

func (k kickWriter) Write(p []byte) (int, error) {
	select {
	case k <- struct{}{}:
	default:
	}
	return len(p), nil
}

// servePorts starts the driver with its files in dir (its parent half
// here, its child half dialing from the network namespace at ns, or from
// here for "") and publishes specs. A port that cannot be published ends
// everything and is a *portError.
func servePorts(dir, ns string, specs []port.Spec) (*portServer, error) {
	s := &portServer{quit: make(chan struct{}), kick: make(chan struct{}, 1), done: make(chan struct{}), specs: specs, ids: make([]int, len(specs))}
	d, err := builtin.NewParentDriver(kickWriter(s.kick), dir)
	if err != nil {
		return nil, fmt.Errorf("port driver: %w", err)
	}
	s.driver = d
	errc := make(chan error, 2)
	go func() {
		defer define.Recover("running the port driver's child", nil)
		s.runChild(d.OpaqueForChild(), ns, errc)
	}()
	initDone := make(chan struct{})
	go func() {
		defer define.Recover("running the port driver", nil)
		errc <- d.RunParentDriver(initDone, s.quit, nil)
	}()
	select {
	case <-initDone:
		s.mu.Lock()
		s.ready = !s.childDied
		s.mu.Unlock()
		if !s.ready {
			err := <-errc // the child's: the parent waits for quit
			close(s.quit)
			return nil, fmt.Errorf("port driver: %v", err)
		}
	case err := <-errc:
		close(s.quit)
		return nil, fmt.Errorf("port driver: %v", err)
	}
	ctx := context.Background()
	for i, sp := range specs {
		st, err := d.AddPort(ctx, sp)
		if err != nil {
			close(s.done)
			s.Close()
			return nil, &portError{spec: sp, err: err}
		}
		s.ids[i] = st.ID
	}
	go func() {
		defer close(s.done)
		defer define.Recover("supervising published ports", nil)
		s.supervise()
	}()
	return s, nil
}

// Close ends the driver and its listeners.
func (s *portServer) Close() {
	close(s.quit)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.ids {
		if id > 0 {
			s.driver.RemovePort(context.Background(), id)
		}
	}
}

// supervise re-publishes the TCP ports whose listener rootlesskit closed:
// its accept loop ends at the first failed accept (no file descriptor
// left, say), and the port would stay closed for the container's life.
// The driver logs that just before it closes the listener, so a log line
// makes supervise look after a pause, and once more a second later;
// while a port cannot be listened on again it retries with a growing
// pause.
func (s *portServer) supervise() {
	for {
		select {
		case <-s.quit:
			return
		case <-s.kick:
		}
		for _, pause := range []time.Duration{100 * time.Millisecond, time.Second} {
			if !s.sleep(pause) {
				return
			}
			for delay := time.Duration(0); !s.republish(); {
				delay = backoff(delay)
				if !s.sleep(delay) {
					return
				}
			}
		}
	}
}

// sleep pauses for d; false when the server is closed meanwhile.
func (s *portServer) sleep(d time.Duration) bool {
	select {
	case <-s.quit:
		return false
	case <-time.After(d):
		return true
	}
}

// runChild runs the driver's child half. Until the halves have met, its
// end is an error for errc; after, the child is started again: its
// accept loop, too, ends at the first failed accept, which would leave
// every port of the container without a way in.
func (s *portServer) runChild(opaqueMap map[string]string, ns string, errc chan<- error) {
	child := builtin.NewChildDriver(kickWriter(s.kick))
	var delay time.Duration
	var fifo *os.File
	defer func() {
		if fifo != nil {
			fifo.Close()
		}
	}()
	for {
		err := child.RunChildDriver(opaqueMap, s.quit, ns)
		select {
		case <-s.quit:
			return
		default:
		}
		s.mu.Lock()
		early := !s.ready
		s.childDied = early
		s.mu.Unlock()
		if early {
			errc <- err
			return
		}
		// The child opens the ready fifo to write, which waits for a
		// reader: the parent's is gone, this one stays. The old
		// socket's name is in the way of the new one.
		for {
			delay = backoff(delay)
			if !s.sleep(delay) {
				return
			}
			if fifo == nil {
				fifo, _ = os.OpenFile(opaqueMap[opaque.ChildReadyPipePath], os.O_RDONLY|syscall.O_NONBLOCK, 0)
			}
			if fifo != nil {
				break
			}
		}
		os.Remove(opaqueMap[opaque.SocketPath])
	}
}

// republish re-adds each TCP port whose listener is gone; it reports
// false when one could not be listened on again, to be retried. A port
// some other process took meanwhile is given up.
func (s *portServer) republish() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := true
	ctx := context.Background()
	for i, sp := range s.specs {
		if s.ids[i] < 0 || (sp.Proto != "tcp" && sp.Proto != "tcp4" && sp.Proto != "tcp6") {
			continue // rootlesskit's UDP loop ends only when closed
		}
		if s.ids[i] > 0 {
			// Our listener holds the address while it lives: a bind
			// here succeeds only once it is gone.
			l, err := net.Listen(sp.Proto, net.JoinHostPort(sp.ParentIP, strconv.Itoa(sp.ParentPort)))
			if err != nil {
				if !errors.Is(err, syscall.EADDRINUSE) {
					ok = false // cannot tell yet (EMFILE): look again
				}
				continue
			}
			l.Close()
			s.driver.RemovePort(ctx, s.ids[i])
			s.ids[i] = 0
		}
		st, err := s.driver.AddPort(ctx, sp)
		switch {
		case err == nil:
			s.ids[i] = st.ID
		case errors.Is(err, syscall.EADDRINUSE):
			// Taken by another process in between: nothing to do
			// but leave it.
			s.ids[i] = -1
		default:
			ok = false
		}
	}
	return ok
}

// Bounds of the pause between tries to listen again.
const (
	minBackoff = 5 * time.Millisecond
	maxBackoff = time.Second
)

// backoff returns the pause after one more failure in a row.
func backoff(d time.Duration) time.Duration {
	if d == 0 {
		return minBackoff
	}
	return min(2*d, maxBackoff)
}
