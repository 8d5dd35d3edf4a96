package libpod

import "testing"

func TestDecimalSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0B", 999: "999B", 9057000: "9.057MB", 1000000: "1MB", 2500: "2.5kB"} {
		if got := decimalSize(n); got != want {
			t.Errorf("decimalSize(%d) = %q, want %q", n, got, want)
		}
	}
}
