package specgen

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

func TestParseHealthCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
		bad  bool
	}{
		{"curl -f http://localhost/", "CMD-SHELL|curl -f http://localhost/", false},
		{`["/bin/check", "-q"]`, "CMD|/bin/check|-q", false},
		{`["true"]`, "CMD|true", false},
		{`["CMD-SHELL", "exit 0"]`, "CMD-SHELL|exit 0", false},
		{`["cmd", "true"]`, "CMD|true", false},
		{`["NONE"]`, "NONE", false},
		{"none", "NONE", false},
		{"", "", true},
		{"  ", "", true},
		{"[]", "", true},
		{`["a"`, "", true},
		{`[1, 2]`, "", true},
		{`["CMD"]`, "", true},
		{`["CMD-SHELL", "a", "b"]`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseHealthCmd(tt.in)
			if tt.bad {
				if !errors.Is(err, define.ErrInvalidArg) {
					t.Errorf("ParseHealthCmd(%q) = %q, %v; want an invalid-argument error", tt.in, got, err)
				}
				return
			}
			if err != nil || strings.Join(got, "|") != tt.want {
				t.Errorf("ParseHealthCmd(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseHealthDuration(t *testing.T) {
	t.Parallel()
	if d, err := ParseHealthDuration("health-interval", "disable"); err != nil || d != 0 {
		t.Errorf("disable: %v, %v", d, err)
	}
	if _, err := ParseHealthDuration("health-timeout", "disable"); err == nil {
		t.Errorf("--health-timeout disable accepted")
	}
	if d, err := ParseHealthDuration("health-start-period", "1m30s"); err != nil || d != 90*time.Second {
		t.Errorf("1m30s: %v, %v", d, err)
	}
	if _, err := ParseHealthDuration("health-interval", "30"); err == nil || !strings.Contains(err.Error(), "--health-interval") {
		t.Errorf("a duration without a unit: %v", err)
	}
}

func TestHealthValidate(t *testing.T) {
	t.Parallel()
	dur := func(d time.Duration) *time.Duration { return &d }
	n := func(i int) *int { return &i }
	tests := []struct {
		name string
		h    Health
		msg  string // "" for valid
	}{
		{"empty", Health{}, ""},
		{"full", Health{Test: []string{"CMD", "true"}, Interval: dur(time.Second), Timeout: dur(time.Second),
			StartPeriod: dur(0), Retries: n(1), OnFailure: "restart"}, ""},
		{"interval disabled", Health{Interval: dur(0)}, ""},
		{"negative interval", Health{Interval: dur(-time.Second)}, "--health-interval"},
		{"tiny interval", Health{Interval: dur(time.Microsecond)}, "--health-interval"},
		{"zero timeout", Health{Timeout: dur(0)}, "--health-timeout"},
		{"negative start period", Health{StartPeriod: dur(-1)}, "--health-start-period"},
		{"zero retries", Health{Retries: n(0)}, "--health-retries"},
		{"bad action", Health{OnFailure: "explode"}, "--health-on-failure"},
		{"disable with a command", Health{Disable: true, Test: []string{"CMD-SHELL", "true"}}, "--no-healthcheck"},
		{"disable with none", Health{Disable: true, Test: []string{"NONE"}}, ""},
		{"bad test", Health{Test: []string{"RUN", "true"}}, "CMD, CMD-SHELL or NONE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.h.validate()
			if tt.msg == "" {
				if err != nil {
					t.Errorf("validate: %v", err)
				}
				return
			}
			if !errors.Is(err, define.ErrInvalidArg) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("validate: %v, want an invalid-argument error naming %q", err, tt.msg)
			}
		})
	}
}
