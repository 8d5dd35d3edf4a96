package rootless

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
)

// Files listing the users' subordinate ids.
const (
	subUIDFile = "/etc/subuid"
	subGIDFile = "/etc/subgid"
)

// mapIDs writes the uid and gid maps of process pid: the user's own id
// becomes 0, and the subordinate ranges follow from 1 on, through the
// setuid helpers newuidmap and newgidmap. With no range the namespace maps
// the user's id only.
func mapIDs(pid int) error {
	name := ""
	if u, err := user.LookupId(strconv.Itoa(UID())); err == nil {
		name = u.Username
	}
	uids, err := ReadSubIDs(subUIDFile, name, UID())
	if err != nil {
		return err
	}
	gids, err := ReadSubIDs(subGIDFile, name, UID())
	if err != nil {
		return err
	}
	if err := mapOne(pid, "newuidmap", "uid_map", UID(), uids); err != nil {
		return err
	}
	return mapOne(pid, "newgidmap", "gid_map", GID(), gids)
}

func mapOne(pid int, tool, file string, id int, ranges []IDRange) error {
	if len(ranges) > 0 {
		path, err := exec.LookPath(tool)
		if err == nil {
			return runMapTool(path, pid, id, ranges)
		}
		slog.Warn("subordinate ids configured but "+tool+" not found (install uidmap): mapping a single id", "err", err)
	} else {
		slog.Info("no subordinate ids for the user: mapping a single id", "map", file)
	}
	if file == "gid_map" {
		// An unprivileged writer of gid_map must first give up setgroups.
		p := fmt.Sprintf("/proc/%d/setgroups", pid)
		if err := os.WriteFile(p, []byte("deny"), 0); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	p := fmt.Sprintf("/proc/%d/%s", pid, file)
	if err := os.WriteFile(p, []byte(fmt.Sprintf("0 %d 1\n", id)), 0); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}

// mapArgs returns the arguments of newuidmap/newgidmap: pid, then triples
// "inside outside count", the user's own id first.
func mapArgs(pid, id int, ranges []IDRange) []string {
	args := []string{strconv.Itoa(pid), "0", strconv.Itoa(id), "1"}
	next := 1
	for _, r := range ranges {
		args = append(args, strconv.Itoa(next), strconv.Itoa(r.Start), strconv.Itoa(r.Count))
		next += r.Count
	}
	return args
}

func runMapTool(path string, pid, id int, ranges []IDRange) error {
	var stderr bytes.Buffer
	cmd := exec.Command(path, mapArgs(pid, id, ranges)...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.Join(strings.Fields(stderr.String()), " ")
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		var ee *exec.ExitError
		if msg == "" || !errors.As(err, &ee) {
			msg = err.Error()
		}
		return fmt.Errorf("%s %s: %s (check the user's lines in /etc/subuid and /etc/subgid)",
			path, strings.Join(cmd.Args[1:], " "), msg)
	}
	return nil
}
