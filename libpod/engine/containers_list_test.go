package engine

import (
	"testing"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

func TestStatusText(t *testing.T) {
	t.Parallel()
	now := time.Now()
	cases := []struct {
		st   define.ContainerState
		want string
	}{
		{define.ContainerState{Status: define.StatusRunning, StartedAt: now.Add(-3 * time.Second)}, "Up 3 seconds ago"},
		{define.ContainerState{Status: define.StatusExited, ExitCode: 2, FinishedAt: now.Add(-2 * time.Second)}, "Exited (2) 2 seconds ago"},
		{define.ContainerState{Status: define.StatusExited, FinishedAt: now.Add(-90 * time.Minute)}, "Exited (0) 2 hours ago"},
		{define.ContainerState{Status: define.StatusCreated}, "Created"},
		{define.ContainerState{Status: define.StatusRunning, StartedAt: now.Add(-70 * time.Second)}, "Up About a minute ago"},
		{define.ContainerState{Status: define.StatusRunning, StartedAt: now.Add(-5 * time.Second),
			Health: &define.HealthState{Status: define.HealthHealthy}}, "Up 5 seconds ago (healthy)"},
		{define.ContainerState{Status: define.StatusRunning, StartedAt: now.Add(-5 * time.Second),
			Health: &define.HealthState{Status: define.HealthStarting}}, "Up 5 seconds ago (starting)"},
		{define.ContainerState{Status: define.StatusExited, FinishedAt: now.Add(-2 * time.Second),
			Health: &define.HealthState{Status: define.HealthUnhealthy}}, "Exited (0) 2 seconds ago"},
	}
	for _, c := range cases {
		if got := StatusText(c.st, now); got != c.want {
			t.Errorf("StatusText(%+v) = %q, want %q", c.st, got, c.want)
		}
	}
}

func TestDockerStatusText(t *testing.T) {
	t.Parallel()
	now := time.Now()
	up5 := now.Add(-5 * time.Second)
	cases := []struct {
		st   define.ContainerState
		want string
	}{
		{define.ContainerState{Status: define.StatusRunning, StartedAt: now.Add(-11 * time.Second)}, "Up 11 seconds"},
		{define.ContainerState{Status: define.StatusRunning, StartedAt: now.Add(-70 * time.Second)}, "Up About a minute"},
		{define.ContainerState{Status: define.StatusStopping, StartedAt: up5}, "Up 5 seconds"},
		{define.ContainerState{Status: define.StatusPaused, StartedAt: up5}, "Up 5 seconds (Paused)"},
		{define.ContainerState{Status: define.StatusRunning, StartedAt: up5, Health: &define.HealthState{Status: define.HealthHealthy}}, "Up 5 seconds (healthy)"},
		{define.ContainerState{Status: define.StatusRunning, StartedAt: up5, Health: &define.HealthState{Status: define.HealthUnhealthy}}, "Up 5 seconds (unhealthy)"},
		{define.ContainerState{Status: define.StatusRunning, StartedAt: up5, Health: &define.HealthState{Status: define.HealthStarting}}, "Up 5 seconds (health: starting)"},
		{define.ContainerState{Status: define.StatusExited, ExitCode: 0, FinishedAt: now.Add(-5 * time.Second)}, "Exited (0) 5 seconds ago"},
		{define.ContainerState{Status: define.StatusStopped, ExitCode: 137, FinishedAt: now.Add(-3 * time.Hour)}, "Exited (137) 3 hours ago"},
		{define.ContainerState{Status: define.StatusCreated}, "Created"},
		{define.ContainerState{Status: define.StatusConfigured}, "Created"},
		{define.ContainerState{Status: define.StatusRemoving}, "Removal In Progress"},
	}
	for _, c := range cases {
		if got := DockerStatusText(c.st, now); got != c.want {
			t.Errorf("DockerStatusText(%+v) = %q, want %q", c.st, got, c.want)
		}
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	base := time.Now()
	mk := func(id, name string, st define.ContainerStatus, code int, age int, labels map[string]string) *libpod.Container {
		return &libpod.Container{
			Config: define.ContainerConfig{ID: id, Name: name, Labels: labels, Created: base.Add(time.Duration(age) * time.Second),
				Image: define.ImageRef{Name: "localhost/busybox:latest", ID: "abcdef"}},
			State: define.ContainerState{Status: st, ExitCode: code},
		}
	}
	all := []*libpod.Container{
		mk("aaa1", "web", define.StatusRunning, 0, 1, map[string]string{"app": "x"}),
		mk("bbb2", "db", define.StatusExited, 3, 2, nil),
		mk("ccc3", "cache", define.StatusCreated, 0, 3, map[string]string{"app": "y"}),
	}
	// web is healthy; cache has a healthcheck that has not run yet.
	check := &define.HealthConfig{Test: []string{"CMD-SHELL", "true"}}
	all[0].Config.Healthcheck = check
	all[0].State.Health = &define.HealthState{Status: define.HealthHealthy}
	all[2].Config.Healthcheck = check
	cases := []struct {
		filters []string
		want    []string
	}{
		{[]string{"name=^w"}, []string{"web"}},
		{[]string{"status=exited"}, []string{"db"}},
		{[]string{"status=created", "status=running"}, []string{"web", "cache"}},
		{[]string{"label=app"}, []string{"web", "cache"}},
		{[]string{"label=app=y"}, []string{"cache"}},
		{[]string{"exited=3"}, []string{"db"}},
		{[]string{"id=bb"}, []string{"db"}},
		{[]string{"ancestor=busybox"}, []string{"web", "db", "cache"}},
		{[]string{"since=web"}, []string{"db", "cache"}},
		{[]string{"before=db"}, []string{"web"}},
		{[]string{"label=app", "status=running"}, []string{"web"}},
		{[]string{"health=healthy"}, []string{"web"}},
		{[]string{"health=starting"}, []string{"cache"}},
		{[]string{"health=none"}, []string{"db"}},
		{[]string{"health=unhealthy"}, nil},
	}
	for _, c := range cases {
		match, err := compileFilters(c.filters, all)
		if err != nil {
			t.Fatalf("%v: %v", c.filters, err)
		}
		var got []string
		for _, ctr := range all {
			if match(ctr) {
				got = append(got, ctr.Name())
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%v: got %v, want %v", c.filters, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%v: got %v, want %v", c.filters, got, c.want)
			}
		}
	}
	for _, bad := range []string{"nokey", "status=bogus", "exited=x", "color=red", "since=nosuch", "health=sick"} {
		if _, err := compileFilters([]string{bad}, all); err == nil {
			t.Errorf("filter %q: no error", bad)
		}
	}
}
