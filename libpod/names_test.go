package libpod

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

func TestClaimName(t *testing.T) {
	t.Parallel()
	inUse := fmt.Errorf("taken: %w", define.ErrNameInUse)
	other := errors.New("disk full")
	nameRE := regexp.MustCompile(`^[a-z]+_[a-z]+$`)
	tests := []struct {
		name      string
		given     string
		failures  []error // what the inserts return before succeeding
		wantErr   error
		wantTries int
	}{
		{"given name", "web", nil, nil, 1},
		{"given name in use is not redrawn", "web", []error{inUse}, define.ErrNameInUse, 1},
		{"generated, free", "", nil, nil, 1},
		{"generated, redrawn", "", []error{inUse, inUse, inUse}, nil, 4},
		{"generated, other error", "", []error{other}, other, 1},
		{"generated, all taken", "", repeat(inUse, nameAttempts+5), define.ErrNameInUse, nameAttempts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tries := 0
			err := claimName(tc.given, func(name string) error {
				tries++
				if tc.given != "" && name != tc.given {
					t.Errorf("insert got %q, want %q", name, tc.given)
				}
				if tc.given == "" && !nameRE.MatchString(name) {
					t.Errorf("generated name %q", name)
				}
				if tries <= len(tc.failures) {
					return tc.failures[tries-1]
				}
				return nil
			})
			if (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if tries != tc.wantTries {
				t.Errorf("%d inserts, want %d", tries, tc.wantTries)
			}
		})
	}
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}

func TestNameWordsUnique(t *testing.T) {
	t.Parallel()
	for _, words := range [][]string{nameAdjectives, nameSurnames} {
		seen := map[string]bool{}
		for _, w := range words {
			if seen[w] || !regexp.MustCompile(`^[a-z]+$`).MatchString(w) {
				t.Errorf("word %q repeated or not lowercase letters", w)
			}
			seen[w] = true
		}
	}
	if n := len(nameAdjectives) * len(nameSurnames); n < 10000 {
		t.Errorf("only %d names", n)
	}
}
