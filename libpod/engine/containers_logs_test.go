package engine

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"10m":                       now.Add(-10 * time.Minute),
		"1h30m":                     now.Add(-90 * time.Minute),
		"2024-01-02T03:04:05Z":      time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		"2024-01-02T03:04:05+02:00": time.Date(2024, 1, 2, 1, 4, 5, 0, time.UTC),
		"1700000000":                time.Unix(1700000000, 0),
		"1700000000.5":              time.Unix(1700000000, 500000000),
		"2024-01-02":                time.Date(2024, 1, 2, 0, 0, 0, 0, time.Local),
	}
	for in, want := range cases {
		got, err := ParseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "10x", ""} {
		if _, err := ParseTime(bad, now); err == nil {
			t.Errorf("ParseTime(%q) succeeded", bad)
		}
	}
}
