package images

import (
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/engine"
)

func TestHumanSize(t *testing.T) {
	t.Parallel()
	tests := map[int64]string{
		0:             "0 B",
		999:           "999 B",
		1000:          "1 kB",
		1234:          "1.23 kB",
		4_560_000:     "4.56 MB",
		999_600:       "1 MB",
		2_131_173:     "2.13 MB",
		1_500_000_000: "1.5 GB",
	}
	for in, want := range tests {
		if got := humanSize(in); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestHumanAgo(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "Less than a second ago"},
		{time.Second, "1 second ago"},
		{30 * time.Second, "30 seconds ago"},
		{90 * time.Second, "About a minute ago"},
		{10 * time.Minute, "10 minutes ago"},
		{time.Hour, "About an hour ago"},
		{2 * time.Hour, "2 hours ago"},
		{3 * 24 * time.Hour, "3 days ago"},
		{3 * 7 * 24 * time.Hour, "3 weeks ago"},
		{90 * 24 * time.Hour, "3 months ago"},
		{3 * 365 * 24 * time.Hour, "3 years ago"},
	}
	for _, tc := range tests {
		if got := humanAgo(now.Add(-tc.d), now); got != tc.want {
			t.Errorf("humanAgo(-%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := humanAgo(time.Time{}, now); got != "N/A" {
		t.Errorf("humanAgo(zero) = %q", got)
	}
}

func TestParsePlatform(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, os, arch, variant string }{
		{"linux/amd64", "linux", "amd64", ""},
		{"linux/arm/v7", "linux", "arm", "v7"},
		{"linux", "", "", ""},
		{"/amd64", "", "", ""},
		{"a/b/c/d", "", "", ""},
	}
	for _, tc := range tests {
		o, a, v, err := parsePlatform(tc.in)
		if tc.os == "" {
			if err == nil {
				t.Errorf("parsePlatform(%q): want an error", tc.in)
			}
			continue
		}
		if err != nil || o != tc.os || a != tc.arch || v != tc.variant {
			t.Errorf("parsePlatform(%q) = %q %q %q %v", tc.in, o, a, v, err)
		}
	}
}

func TestImageRows(t *testing.T) {
	t.Parallel()
	now := time.Now()
	sums := []engine.ImageSummary{
		{ID: "abcdef0123456789", RepoTags: []string{"localhost/a:1", "127.0.0.1:5000/b:latest"}, Size: 1000, CreatedAt: now},
		{ID: "0123456789abcdef", Size: 10, CreatedAt: now.Add(-time.Hour)},
	}
	rows := imageRows(sums, false, now)
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(rows))
	}
	want := [][3]string{{"localhost/a", "1", "abcdef012345"}, {"127.0.0.1:5000/b", "latest", "abcdef012345"}, {"<none>", "<none>", "0123456789ab"}}
	for i, w := range want {
		if rows[i].Repository != w[0] || rows[i].Tag != w[1] || rows[i].ID != w[2] {
			t.Errorf("row %d = %s %s %s, want %v", i, rows[i].Repository, rows[i].Tag, rows[i].ID, w)
		}
	}
	sortRows(rows, "repository")
	if rows[0].Repository != "127.0.0.1:5000/b" {
		t.Errorf("sort by repository: first = %s", rows[0].Repository)
	}
	if r := imageRows(sums[:1], true, now); r[0].ID != "sha256:abcdef0123456789" {
		t.Errorf("--no-trunc ID = %s", r[0].ID)
	}
	// Podman's template text: CreatedAt to the second, History joined.
	at := time.Date(2022, 10, 18, 20, 0, 0, 123456789, time.UTC)
	r := imageRows([]engine.ImageSummary{{ID: "ab", CreatedAt: at, History: []string{"localhost/a:1", "localhost/b:2"}}}, false, now)
	if r[0].CreatedAt != "2022-10-18 20:00:00 +0000 UTC" || r[0].History != "localhost/a:1, localhost/b:2" {
		t.Errorf("CreatedAt %q, History %q", r[0].CreatedAt, r[0].History)
	}
}

func TestHistoryRows(t *testing.T) {
	t.Parallel()
	now := time.Date(2022, 10, 18, 22, 0, 0, 0, time.UTC)
	at := time.Date(2022, 10, 18, 20, 0, 0, 123456789, time.UTC)
	hist := []engine.ImageHistoryEntry{{ID: "sha256:abcdef0123456789abcdef", Created: at, CreatedBy: "/bin/sh -c true", Size: 2000, Tags: []string{"a", "b"}}}
	r := historyRows(hist, true, false, now)[0]
	if r.Created != "2 hours ago" || r.CreatedSince != r.Created || r.CreatedAt != "2022-10-18 20:00:00 +0000 UTC" || r.Tags != "a, b" {
		t.Errorf("human row = %+v", r)
	}
	r = historyRows(hist, false, false, now)[0]
	if r.Created != at.Format(time.RFC3339) || r.CreatedSince != r.Created || r.Size != "2000" {
		t.Errorf("row = %+v", r)
	}
}

func TestTruncateDescriptions(t *testing.T) {
	t.Parallel()
	long := "OpenSSH / Supervisor / EPEL/IUS/SCL Repos - CentOS 7"
	res := []engine.ImageSearchResult{{Description: long}, {Description: "short"}, {Description: ""}}
	truncateDescriptions(res)
	if want := "OpenSSH / Supervisor / EPEL/IUS/SCL Repos -..."; res[0].Description != want {
		t.Errorf("long description: %q, want %q", res[0].Description, want)
	}
	if res[1].Description != "short" || res[2].Description != "" {
		t.Errorf("short descriptions changed: %q %q", res[1].Description, res[2].Description)
	}
}
