package libpod

import (
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestApplyHealthResult(t *testing.T) {
	t.Parallel()
	started := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(d time.Duration, code int) define.HealthLogEntry {
		return define.HealthLogEntry{Start: started.Add(d), End: started.Add(d + time.Millisecond), ExitCode: code}
	}
	type step struct {
		e          define.HealthLogEntry
		wantStatus string
		wantStreak int
	}
	tests := []struct {
		name  string
		hc    define.HealthConfig
		steps []step
	}{
		{"success makes healthy", define.HealthConfig{Retries: 3}, []step{
			{at(time.Second, 0), define.HealthHealthy, 0},
		}},
		{"failures below retries stay starting", define.HealthConfig{Retries: 3}, []step{
			{at(time.Second, 1), define.HealthStarting, 1},
			{at(2*time.Second, 1), define.HealthStarting, 2},
			{at(3*time.Second, 1), define.HealthUnhealthy, 3},
			{at(4*time.Second, 1), define.HealthUnhealthy, 4},
		}},
		{"a success clears the streak", define.HealthConfig{Retries: 2}, []step{
			{at(time.Second, 0), define.HealthHealthy, 0},
			{at(2*time.Second, 1), define.HealthHealthy, 1},
			{at(3*time.Second, 0), define.HealthHealthy, 0},
			{at(4*time.Second, 1), define.HealthHealthy, 1},
			{at(5*time.Second, 2), define.HealthUnhealthy, 2},
			{at(6*time.Second, 0), define.HealthHealthy, 0},
		}},
		{"failures in the start period do not count", define.HealthConfig{Retries: 1, StartPeriod: 10 * time.Second}, []step{
			{at(time.Second, 1), define.HealthStarting, 0},
			{at(9*time.Second, 1), define.HealthStarting, 0},
			{at(10*time.Second, 1), define.HealthUnhealthy, 1},
		}},
		{"after a success the start period is over", define.HealthConfig{Retries: 1, StartPeriod: time.Hour}, []step{
			{at(time.Second, 0), define.HealthHealthy, 0},
			{at(2*time.Second, 1), define.HealthUnhealthy, 1},
		}},
		{"a timeout is a failure", define.HealthConfig{Retries: 1}, []step{
			{at(time.Second, -1), define.HealthUnhealthy, 1},
		}},
		{"retries 0 means 3", define.HealthConfig{}, []step{
			{at(time.Second, 1), define.HealthStarting, 1},
			{at(2*time.Second, 1), define.HealthStarting, 2},
			{at(3*time.Second, 1), define.HealthUnhealthy, 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &define.HealthState{}
			for i, s := range tt.steps {
				ApplyHealthResult(h, &tt.hc, started, s.e)
				if h.Status != s.wantStatus || h.FailingStreak != s.wantStreak {
					t.Errorf("step %d: status %q streak %d, want %q %d", i, h.Status, h.FailingStreak, s.wantStatus, s.wantStreak)
				}
			}
		})
	}
}

func TestApplyHealthResultLog(t *testing.T) {
	t.Parallel()
	h := &define.HealthState{}
	hc := &define.HealthConfig{Retries: 3}
	for i := 0; i < 8; i++ {
		ApplyHealthResult(h, hc, time.Time{}, define.HealthLogEntry{ExitCode: i, Output: strings.Repeat("x", 5000)})
	}
	if len(h.Log) != define.HealthLogEntries {
		t.Fatalf("log of %d entries, want %d", len(h.Log), define.HealthLogEntries)
	}
	if h.Log[0].ExitCode != 3 || h.Log[4].ExitCode != 7 {
		t.Errorf("log keeps the wrong entries: first %d, last %d", h.Log[0].ExitCode, h.Log[4].ExitCode)
	}
	for _, e := range h.Log {
		if len(e.Output) != define.HealthOutputMax {
			t.Errorf("output of %d bytes kept", len(e.Output))
		}
	}
}

func TestHealthCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		test []string
		want string
		bad  bool
	}{
		{[]string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}, "/bin/sh|-c|curl -f http://localhost/ || exit 1", false},
		{[]string{"CMD", "/bin/check", "-q"}, "/bin/check|-q", false},
		{[]string{"cmd", "true"}, "true", false},
		{[]string{"CMD"}, "", true},
		{[]string{"CMD-SHELL", " "}, "", true},
		{nil, "", true},
	}
	for _, tt := range tests {
		got, err := healthCommand(tt.test)
		if (err != nil) != tt.bad {
			t.Errorf("healthCommand(%q): err %v", tt.test, err)
			continue
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("healthCommand(%q) = %q, want %q", tt.test, got, tt.want)
		}
	}
}
