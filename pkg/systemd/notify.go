// Package systemd writes systemd units that run pm containers: the units of
// pm generate systemd, the quadlet generator's units from .container and
// .volume files, and the sd_notify client pm uses to tell systemd that a
// container runs.
package systemd

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// NotifySocketEnv is the variable through which systemd passes the socket of
// a Type=notify service.
const NotifySocketEnv = "NOTIFY_SOCKET"

// Notify sends state ("READY=1", "MAINPID=42", lines joined by "\n") as
// one datagram to the service manager's socket addr. An addr that starts
// with '@' names a socket in the abstract namespace, as systemd writes it.
func Notify(addr, state string) error {
	if addr == "" {
		return errors.New("no notify socket")
	}
	if addr[0] != '/' && addr[0] != '@' {
		return fmt.Errorf("notify socket %q: must be an absolute path or start with @", addr)
	}
	// The Go runtime maps a leading '@' to the abstract namespace's NUL.
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("connecting to notify socket %s: %w", addr, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return fmt.Errorf("writing to notify socket %s: %w", addr, err)
	}
	return nil
}

// NotifyReady tells the service manager at addr that the service is up and
// that its main process is mainPID (0: leave it as systemd sees it).
func NotifyReady(addr string, mainPID int) error {
	var lines []string
	if mainPID > 0 {
		lines = append(lines, fmt.Sprintf("MAINPID=%d", mainPID))
	}
	lines = append(lines, "READY=1")
	return Notify(addr, strings.Join(lines, "\n"))
}
