package cli

import (
	"errors"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestRemoveExit(t *testing.T) {
	t.Parallel()
	missing := define.Errorf(define.ErrNoSuchCtr, "no container x: %w", define.ErrNoSuchCtr)
	running := define.Errorf(define.ErrInvalidState, "container y is running")
	other := define.Invalidf("bad")
	inUse := func(err error) bool { return errors.Is(err, define.ErrInvalidState) }
	for _, tt := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"missing", missing, 1},
		{"running", running, 2},
		{"other", other, 125},
		{"missing and running", errors.Join(missing, running), 2},
		{"missing and other", errors.Join(missing, other), 125},
		{"all missing", errors.Join(missing, missing), 1},
	} {
		got := RemoveExit(tt.err, inUse)
		if code := define.ExitCode(got); code != tt.want {
			t.Errorf("%s: exit %d, want %d", tt.name, code, tt.want)
		}
		if tt.err != nil && got.Error() != tt.err.Error() {
			t.Errorf("%s: message changed to %q", tt.name, got.Error())
		}
	}
}
