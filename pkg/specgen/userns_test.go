package specgen

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestParseUserNS(t *testing.T) {
	t.Parallel()
	m, err := ParseUserNS("keep-id:uid=200,gid=300")
	if err != nil || m.Mode != "keep-id" || *m.UID != 200 || *m.GID != 300 {
		t.Errorf("keep-id options: %+v %v", m, err)
	}
	if m, err := ParseUserNS("auto:size=500"); err != nil || m.Size != 500 {
		t.Errorf("auto size: %+v %v", m, err)
	}
	for _, bad := range []string{"bogus", "keep-id:uid=x", "keep-id:size=3", "auto:size=0", "nomap:x=1", "host:1"} {
		if _, err := ParseUserNS(bad); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseUserNS(%q) = %v, want invalid argument", bad, err)
		}
	}
}

func TestUserNSMaps(t *testing.T) {
	t.Parallel()
	got, err := KeepIDMaps(1000, 65537)
	want := []IDMap{{0, 1, 1000}, {1000, 0, 1}, {1001, 1001, 64536}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("KeepIDMaps = %v, %v; want %v", got, err, want)
	}
	if got, _ := KeepIDMaps(0, 65537); !reflect.DeepEqual(got, []IDMap{{0, 0, 1}, {1, 1, 65536}}) {
		t.Errorf("KeepIDMaps(0) = %v", got)
	}
	if _, err := KeepIDMaps(1000, 1); err == nil {
		t.Error("keep-id without a range accepted")
	}
	if got, _ := NoMapMaps(65537); !reflect.DeepEqual(got, []IDMap{{0, 1, 65536}}) {
		t.Errorf("NoMapMaps = %v", got)
	}
	used := []IDMap{{0, 1, 1024}}
	if got, err := AutoMaps(1024, 65537, used); err != nil || !reflect.DeepEqual(got, []IDMap{{0, 1025, 1024}}) {
		t.Errorf("AutoMaps = %v, %v", got, err)
	}
	if _, err := AutoMaps(70000, 65537, nil); !errors.Is(err, define.ErrConflict) {
		t.Errorf("AutoMaps too big: %v", err)
	}
}

func TestSplitMaps(t *testing.T) {
	t.Parallel()
	// pm's namespace with two subordinate ranges: 0 is the user, 1-65536
	// the first range, 65537-131072 the second.
	parent := []IDMap{{0, 1001, 1}, {1, 100000, 65536}, {65537, 200000, 65536}}
	keep, _ := KeepIDMaps(1001, 131073)
	for _, c := range []struct {
		name       string
		maps, want []IDMap
	}{
		{"keep-id", keep, []IDMap{{0, 1, 1001}, {1001, 0, 1}, {1002, 1002, 64535}, {65537, 65537, 65536}}},
		{"nomap", []IDMap{{0, 1, 131072}}, []IDMap{{0, 1, 65536}, {65536, 65537, 65536}}},
		{"auto inside one range", []IDMap{{0, 1025, 1024}}, []IDMap{{0, 1025, 1024}}},
		{"auto across", []IDMap{{0, 60000, 10000}}, []IDMap{{0, 60000, 5537}, {5537, 65537, 4463}}},
		{"outside the parent", []IDMap{{0, 300000, 10}}, []IDMap{{0, 300000, 10}}},
	} {
		if got := SplitMaps(c.maps, parent); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: SplitMaps = %v, want %v", c.name, got, c.want)
		}
	}
	// One range: nothing to cut.
	one := []IDMap{{0, 1001, 1}, {1, 100000, 65536}}
	if got := SplitMaps(keep[:2], one); !reflect.DeepEqual(got, keep[:2]) {
		t.Errorf("SplitMaps with one range = %v", got)
	}
}
