package engine

import "testing"

func TestNameMatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, val string
		want      bool
	}{
		{"vol_1_a", "vol_1.+", true},
		{"vol_1", "vol_1.+", false},
		{"vol_2_a", "vol_1*", true}, // "_1*" is "_" then any number of "1"
		{"data", "at", true},
		{"data", "^at", false},
		{"a[b", "a[b", true}, // not a valid expression: a substring
	} {
		if got := nameMatch(tt.name, tt.val); got != tt.want {
			t.Errorf("nameMatch(%q, %q) = %v, want %v", tt.name, tt.val, got, tt.want)
		}
	}
}
