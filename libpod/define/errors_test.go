package define

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		class error
		code  int
	}{
		{"named", ErrNoSuchImage, ErrNotFound, ExitPM},
		{"wrapped", fmt.Errorf("looking up busybox: %w", ErrNoSuchImage), ErrNotFound, ExitPM},
		{"invalid", Invalidf("bad --format %q", "{{"), ErrInvalidArg, ExitPM},
		{"exit", &ExitCodeError{Code: 3}, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.class != nil && !errors.Is(tt.err, tt.class) {
				t.Errorf("%v does not wrap %v", tt.err, tt.class)
			}
			if got := ExitCode(tt.err); got != tt.code {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.code)
			}
		})
	}
}

func TestErrorfKeepsMessage(t *testing.T) {
	t.Parallel()
	err := Errorf(ErrNotFound, "looking up %s: %w", "x", ErrNoSuchImage)
	if err.Error() != "looking up x: no such image" {
		t.Errorf("message %q", err.Error())
	}
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrNoSuchImage) {
		t.Errorf("%v lost its classes", err)
	}
}
