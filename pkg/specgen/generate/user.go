package generate

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/pm-project/pm/libpod/define"
)

// UserFiles are the container's /etc/passwd and /etc/group; either may be
// nil when the image has none.
type UserFiles struct {
	Passwd io.Reader
	Group  io.Reader
}

type passwdEntry struct {
	name string
	uid  uint32
	gid  uint32
	home string
}

type groupEntry struct {
	name    string
	gid     uint32
	members []string
}

// ResolveUser turns -u user[:group] (names or numbers) and --group-add
// into the process's user, reading the container's own passwd and group
// files. An empty user is root. A name that the files do not know is an
// invalid argument. home is the user's home directory in the passwd file,
// "" when it has none (a number without an entry).
func ResolveUser(user string, groupAdd []string, f UserFiles) (specs.User, string, error) {
	pw := parsePasswd(f.Passwd)
	gr := parseGroup(f.Group)
	if user == "" {
		user = "0"
	}
	uname, gname, hasGroup := strings.Cut(user, ":")
	var u specs.User
	var entry *passwdEntry
	if n, err := strconv.ParseUint(uname, 10, 32); err == nil {
		u.UID = uint32(n)
		for i := range pw {
			if pw[i].uid == u.UID {
				entry = &pw[i]
				break
			}
		}
	} else {
		for i := range pw {
			if pw[i].name == uname {
				entry = &pw[i]
				break
			}
		}
		if entry == nil {
			return u, "", define.Invalidf("unable to find user %s: no matching entries in passwd file", uname)
		}
		u.UID = entry.uid
	}
	if entry != nil {
		u.GID = entry.gid
	}
	if hasGroup {
		gid, err := lookupGroup(gname, gr)
		if err != nil {
			return u, "", err
		}
		u.GID = gid
	} else if entry != nil {
		// Supplementary groups from /etc/group, as login would set them.
		for _, g := range gr {
			for _, m := range g.members {
				if m == entry.name && g.gid != u.GID {
					u.AdditionalGids = append(u.AdditionalGids, g.gid)
				}
			}
		}
	}
	for _, g := range groupAdd {
		if g == "keep-groups" {
			continue
		}
		gid, err := lookupGroup(g, gr)
		if err != nil {
			return u, "", err
		}
		u.AdditionalGids = append(u.AdditionalGids, gid)
	}
	home := ""
	if entry != nil {
		home = entry.home
	}
	return u, home, nil
}

func lookupGroup(name string, gr []groupEntry) (uint32, error) {
	if n, err := strconv.ParseUint(name, 10, 32); err == nil {
		return uint32(n), nil
	}
	for _, g := range gr {
		if g.name == name {
			return g.gid, nil
		}
	}
	return 0, define.Invalidf("unable to find group %s: no matching entries in group file", name)
}

func parsePasswd(r io.Reader) []passwdEntry {
	var out []passwdEntry
	eachLine(r, func(f []string) {
		if len(f) < 4 {
			return
		}
		uid, err1 := strconv.ParseUint(f[2], 10, 32)
		gid, err2 := strconv.ParseUint(f[3], 10, 32)
		if err1 != nil || err2 != nil {
			return
		}
		e := passwdEntry{name: f[0], uid: uint32(uid), gid: uint32(gid)}
		if len(f) >= 6 {
			e.home = f[5]
		}
		out = append(out, e)
	})
	return out
}

func parseGroup(r io.Reader) []groupEntry {
	var out []groupEntry
	eachLine(r, func(f []string) {
		if len(f) < 3 {
			return
		}
		gid, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			return
		}
		g := groupEntry{name: f[0], gid: uint32(gid)}
		if len(f) > 3 && f[3] != "" {
			g.members = strings.Split(f[3], ",")
		}
		out = append(out, g)
	})
	return out
}

func eachLine(r io.Reader, fn func([]string)) {
	if r == nil {
		return
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fn(strings.Split(line, ":"))
	}
}
