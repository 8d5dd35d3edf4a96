package engine

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/rootless"
	"github.com/pm-project/pm/pkg/specgen"
)

// errNoHostUser is a --hostuser account the host does not have: the
// container cannot run (run exits 126, as in Podman).
var errNoHostUser = define.NewError(define.ErrInvalidArg, "no such user on the host")

// addPasswdEntries adds to the container's /etc/passwd, when absent, the
// keep-id user (named after the host user, with HOME set) and the
// --hostuser accounts, as Podman does. workDir is the container's.
func addPasswdEntries(rootfs string, s *specgen.Spec, workDir string) error {
	mode, _ := specgen.ParseUserNS(s.UserNS)
	if mode.Mode != "keep-id" && len(s.HostUsers) == 0 {
		return nil // most containers: no read of /etc/passwd on the create path
	}
	var lines []string
	have := readPasswdIDs(rootfs)
	if mode.Mode == "keep-id" {
		uid, gid := rootless.UID(), rootless.GID()
		if mode.UID != nil {
			uid = int(*mode.UID)
		}
		if mode.GID != nil {
			gid = int(*mode.GID)
		}
		name, home, shell := strconv.Itoa(uid), workDir, "/bin/sh"
		if u, err := user.LookupId(strconv.Itoa(rootless.UID())); err == nil {
			name = u.Username
			// The host user's home when it is mounted in, or a directory
			// above it is; else the working directory.
			for _, m := range s.Mounts {
				if d := filepath.Clean(m.Destination); d != "/" && (d == u.HomeDir || strings.HasPrefix(u.HomeDir, d+"/")) {
					home = u.HomeDir
				}
			}
		}
		if home == "" {
			home = "/"
		}
		if _, ok := have[uid]; !ok && !have.hasName(name) {
			lines = append(lines, fmt.Sprintf("%s:*:%d:%d:%s:%s:%s", name, uid, gid, name, home, shell))
			have[uid] = name
		}
		if _, set := s.Env["HOME"]; !set && s.User == fmt.Sprintf("%d:%d", uid, gid) {
			if h := have.home(rootfs, uid); h != "" {
				home = h
			}
			s.Env["HOME"] = home
		}
	}
	for _, hu := range s.HostUsers {
		u, err := user.Lookup(hu)
		if err != nil {
			if u, err = user.LookupId(hu); err != nil {
				return define.Errorf(define.ErrInvalidArg, "--hostuser %s: %w", hu, errNoHostUser)
			}
		}
		uid, _ := strconv.Atoi(u.Uid)
		if _, ok := have[uid]; ok || have.hasName(u.Username) {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s:*:%s:%s:%s:%s:/bin/sh", u.Username, u.Uid, u.Gid, u.Name, u.HomeDir))
		have[uid] = u.Username
	}
	if len(lines) == 0 {
		return nil
	}
	p, err := securejoin.SecureJoin(rootfs, "/etc/passwd")
	if err != nil {
		return err
	}
	old, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("reading the container's /etc/passwd: %w", err)
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		old = append(old, '\n')
	}
	data := append(old, []byte(strings.Join(lines, "\n")+"\n")...)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("writing the container's /etc/passwd: %w", err)
	}
	return nil
}

// passwdIDs maps the uids of a passwd file to their names.
type passwdIDs map[int]string

func (p passwdIDs) hasName(name string) bool {
	for _, n := range p {
		if n == name {
			return true
		}
	}
	return false
}

// home is the home directory of uid in the container's passwd file.
func (p passwdIDs) home(rootfs string, uid int) string {
	f := openInRootfs(rootfs, "/etc/passwd")
	if f == nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Split(sc.Text(), ":")
		if len(fl) >= 6 && fl[2] == strconv.Itoa(uid) {
			return fl[5]
		}
	}
	return ""
}

func readPasswdIDs(rootfs string) passwdIDs {
	out := passwdIDs{}
	f := openInRootfs(rootfs, "/etc/passwd")
	if f == nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Split(sc.Text(), ":")
		if len(fl) < 3 {
			continue
		}
		if id, err := strconv.Atoi(fl[2]); err == nil {
			out[id] = fl[0]
		}
	}
	return out
}

func openInRootfs(rootfs, name string) *os.File {
	p, err := securejoin.SecureJoin(rootfs, name)
	if err != nil {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	return f
}
