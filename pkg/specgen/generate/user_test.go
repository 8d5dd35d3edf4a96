package generate

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestResolveUser(t *testing.T) {
	t.Parallel()
	passwd := "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"
	group := "root:x:0:\nuser:x:1000:\nwheel:x:10:user\naudio:x:29:other,user\n"
	cases := []struct {
		user     string
		groupAdd []string
		uid, gid uint32
		extra    []uint32
		home     string
		bad      bool
	}{
		{user: "", uid: 0, gid: 0, home: "/root"},
		{user: "user", uid: 1000, gid: 1000, extra: []uint32{10, 29}, home: "/home/user"},
		{user: "1000", uid: 1000, gid: 1000, extra: []uint32{10, 29}, home: "/home/user"},
		{user: "user:wheel", uid: 1000, gid: 10, home: "/home/user"},
		{user: "4242", uid: 4242, gid: 0},
		{user: "4242:77", uid: 4242, gid: 77},
		{user: "root", groupAdd: []string{"wheel", "55"}, uid: 0, gid: 0, extra: []uint32{10, 55}, home: "/root"},
		{user: "nosuch", bad: true},
		{user: "user:nogroup", bad: true},
	}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			u, home, err := ResolveUser(c.user, c.groupAdd, UserFiles{Passwd: strings.NewReader(passwd), Group: strings.NewReader(group)})
			if c.bad {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Fatalf("err = %v, want invalid argument", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.UID != c.uid || u.GID != c.gid || !reflect.DeepEqual(u.AdditionalGids, c.extra) {
				t.Errorf("got %d:%d %v, want %d:%d %v", u.UID, u.GID, u.AdditionalGids, c.uid, c.gid, c.extra)
			}
			if home != c.home {
				t.Errorf("home = %q, want %q", home, c.home)
			}
		})
	}
}
