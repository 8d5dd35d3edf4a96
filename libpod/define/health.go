package define

import "time"

// Health statuses, as Docker and Podman name them.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// Healthcheck defaults, as in Docker and Podman.
const (
	DefaultHealthInterval = 30 * time.Second
	DefaultHealthTimeout  = 30 * time.Second
	DefaultHealthRetries  = 3
	// HealthLogEntries is how many results a container keeps.
	HealthLogEntries = 5
	// HealthOutputMax is how much of a check's output is kept, in bytes.
	HealthOutputMax = 4096
)

// Health-on-failure actions (--health-on-failure).
const (
	HealthActionNone    = "none"
	HealthActionKill    = "kill"
	HealthActionRestart = "restart"
	HealthActionStop    = "stop"
)

// HealthConfig is a container's healthcheck in Docker's and Podman's
// shape: durations are nanoseconds in JSON.
type HealthConfig struct {
	// Test is ["CMD-SHELL", "command"] (run with /bin/sh -c) or ["CMD",
	// arg0, arg1...].
	Test []string `json:"Test"`
	// Interval is the time between two checks; 0 means no timer: the
	// check runs only with pm healthcheck run.
	Interval time.Duration `json:"Interval,omitempty"`
	// Timeout bounds one check; a check that runs longer fails.
	Timeout time.Duration `json:"Timeout,omitempty"`
	// StartPeriod is the time after a start during which failures do
	// not count.
	StartPeriod time.Duration `json:"StartPeriod,omitempty"`
	// StartInterval is the time between two checks during StartPeriod
	// while the container is starting; 0 means Interval.
	StartInterval time.Duration `json:"StartInterval,omitempty"`
	// Retries is how many failures in a row make the container unhealthy.
	Retries int `json:"Retries,omitempty"`
}

// HealthState is the State.Health of inspect: the status and the last
// results of a container's healthcheck.
type HealthState struct {
	Status        string           `json:"Status"`
	FailingStreak int              `json:"FailingStreak"`
	Log           []HealthLogEntry `json:"Log"`
}

// HealthLogEntry is the result of one check.
type HealthLogEntry struct {
	Start    time.Time `json:"Start"`
	End      time.Time `json:"End"`
	ExitCode int       `json:"ExitCode"`
	Output   string    `json:"Output"`
}

// HealthSchedulerName is the argv[0] and comm of the health scheduler: pm
// started again, detached, to run one container's healthcheck every
// interval while the container runs (pm has no daemon, and there may be
// no systemd to keep a timer).
const HealthSchedulerName = "pm-healthcheck"

// HealthSchedulerCommand is the hidden verb the scheduler runs:
// `pm healthcheck schedule ID`.
const HealthSchedulerCommand = "schedule"
