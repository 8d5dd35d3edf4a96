package images

import (
	"fmt"
	"github.com/pm-project/pm/cmd/pm/internal/format"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// humanSize formats bytes as Podman does ("4.56 MB").
func humanSize(n int64) string { return format.HumanSize(n) }

// humanDuration formats d as Docker and podman do: "2 hours", "About a minute".
func humanDuration(d time.Duration) string {
	if s := int(d.Seconds()); s < 1 {
		return "Less than a second"
	} else if s == 1 {
		return "1 second"
	} else if s < 60 {
		return fmt.Sprintf("%d seconds", s)
	} else if m := int(d.Minutes()); m == 1 {
		return "About a minute"
	} else if m < 60 {
		return fmt.Sprintf("%d minutes", m)
	} else if h := int(d.Hours() + 0.5); h == 1 {
		return "About an hour"
	} else if h < 48 {
		return fmt.Sprintf("%d hours", h)
	} else if h < 24*7*2 {
		return fmt.Sprintf("%d days", h/24)
	} else if h < 24*30*2 {
		return fmt.Sprintf("%d weeks", h/24/7)
	} else if h < 24*365*2 {
		return fmt.Sprintf("%d months", h/24/30)
	}
	return fmt.Sprintf("%d years", int(d.Hours())/24/365)
}

// humanAgo formats a past time as "2 hours ago", relative to now.
func humanAgo(t, now time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return humanDuration(now.Sub(t)) + " ago"
}

func invalid(format string, args ...any) error { return define.Invalidf(format, args...) }

// shortID returns the 12-character form of an ID.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
