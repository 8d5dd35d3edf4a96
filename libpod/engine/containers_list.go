package engine

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
)

// ContainerListRequest says which containers ContainerList returns.
type ContainerListRequest struct {
	All     bool     // include containers that are not running
	Last    int      // only the N newest (-n); -1 for none
	Latest  bool     // only the newest (-l)
	Filters []string // key=value, as Podman's ps --filter
	Size    bool     // compute each container's sizes (-s): slower
	// Namespaces reads the namespaces of running containers (--ns).
	Namespaces bool
	// External adds the storage containers pm does not manage, such as
	// those of a build (--external).
	External bool
}

// ContainerNamespaces are the namespace inode numbers of a running
// container, in Podman's JSON shape.
type ContainerNamespaces struct {
	MNT    string `json:"Mnt,omitempty"`
	Cgroup string `json:"Cgroup,omitempty"`
	IPC    string `json:"Ipc,omitempty"`
	NET    string `json:"Net,omitempty"`
	PIDNS  string `json:"Pidns,omitempty"`
	UTS    string `json:"Uts,omitempty"`
	User   string `json:"User,omitempty"`
}

// ContainerSize is a container's disk use: its writable layer, and its
// whole root filesystem (image included).
type ContainerSize struct {
	RwSize     int64 `json:"rwSize"`
	RootFsSize int64 `json:"rootFsSize"`
}

// ContainerSummary is one row of ps, in Podman's JSON shape.
type ContainerSummary struct {
	Size       *ContainerSize       `json:",omitempty"` // with ContainerListRequest.Size
	Namespaces *ContainerNamespaces `json:",omitempty"` // with ContainerListRequest.Namespaces
	AutoRemove bool
	Command    []string
	Created    int64
	CreatedAt  string
	Exited     bool
	ExitedAt   int64
	ExitCode   int
	ID         string `json:"Id"`
	Image      string
	ImageID    string
	IsInfra    bool
	Labels     map[string]string
	Mounts     []string
	Names      []string
	Networks   []string
	Pid        int
	Pod        string
	PodName    string
	Ports      []any
	Restarts   uint
	StartedAt  int64
	State      string
	Status     string
	// DockerStatus is Status in Docker's words, for the Docker API.
	DockerStatus string `json:"-"`

	CreatedTime  time.Time `json:"-"`
	StartedTime  time.Time `json:"-"`
	FinishedTime time.Time `json:"-"`
}

// ContainerList lists containers: one database read and a stat per
// running container; the OCI runtime is never asked.
func (e *Engine) ContainerList(ctx context.Context, req ContainerListRequest) ([]ContainerSummary, error) {
	cs, err := e.rt.ListContainers(ctx)
	if err != nil {
		return nil, err
	}
	match, err := compileFilters(req.Filters, cs)
	if err != nil {
		return nil, err
	}
	all := req.All || req.Latest || req.Last > 0
	var sel []*libpod.Container
	for _, c := range cs {
		if !all && !c.State.Status.Active() && !hasStatusFilter(req.Filters) {
			continue
		}
		if !match(c) {
			continue
		}
		if !req.External && c.Config.Labels[buildContainerLabel] != "" {
			continue // a build's step container, as Podman hides buildah's
		}
		sel = append(sel, c)
	}
	if req.Latest {
		req.Last = 1
	}
	if req.Last > 0 && len(sel) > req.Last {
		sel = sel[len(sel)-req.Last:]
	}
	out := make([]ContainerSummary, 0, len(sel))
	// Newest first, as Podman lists them.
	for i := len(sel) - 1; i >= 0; i-- {
		out = append(out, summarize(sel[i]))
	}
	e.fillPodNames(ctx, out)
	if req.External {
		ext, err := e.externalContainers(cs)
		if err != nil {
			return nil, err
		}
		out = append(out, ext...)
	}
	if req.Namespaces {
		for i := range out {
			if out[i].Pid > 0 && out[i].State == string(define.StatusRunning) {
				out[i].Namespaces = namespacesOf(out[i].Pid)
			}
		}
	}
	if req.Size {
		for i := range out {
			rw, root, err := e.rt.ContainerSizes(out[i].ID, out[i].ImageID)
			if err != nil {
				return nil, err
			}
			out[i].Size = &ContainerSize{RwSize: rw, RootFsSize: root}
		}
	}
	return out, nil
}

func hasStatusFilter(fs []string) bool {
	for _, f := range fs {
		if strings.HasPrefix(f, "status=") || strings.HasPrefix(f, "exited=") {
			return true
		}
	}
	return false
}

func summarize(c *libpod.Container) ContainerSummary {
	st := c.State
	now := time.Now()
	s := ContainerSummary{
		AutoRemove: c.Config.AutoRemove,
		Command:    append(append([]string{}, c.Config.Entrypoint...), c.Config.Command...),
		Created:    c.Config.Created.Unix(),
		CreatedAt:  c.Config.Created.Format("2006-01-02 15:04:05.999999999 -0700 MST"),
		Exited:     st.Status == define.StatusExited || st.Status == define.StatusStopped,
		ExitedAt:   st.FinishedAt.Unix(),
		ExitCode:   st.ExitCode,
		ID:         c.ID(),
		Image:      c.Config.Image.Name,
		ImageID:    c.Config.Image.ID,
		Labels:     c.Config.Labels,
		Names:      []string{c.Name()},
		Networks:   []string{},
		Ports:      portsOf(c),
		Mounts:     []string{},
		Pid:        st.Pid,
		Pod:        c.Pod,
		Restarts:   st.RestartCount,
		StartedAt:  st.StartedAt.Unix(),
		State:      string(st.Status),
		Status:     StatusText(st, now),

		DockerStatus: DockerStatusText(st, now),

		CreatedTime:  c.Config.Created,
		StartedTime:  st.StartedAt,
		FinishedTime: st.FinishedAt,
	}
	if s.Image == "" {
		s.Image = c.Config.Image.Asked
	}
	for _, m := range c.Config.Mounts {
		s.Mounts = append(s.Mounts, m.Destination)
	}
	if s.State == string(define.StatusStopped) {
		s.State = string(define.StatusExited)
	}
	return s
}

// StatusText is ps's STATUS column: "Up 3 seconds ago", "Up 3 seconds
// ago (healthy)" for a container with a healthcheck, "Exited (1) 2
// seconds ago", "Created".
func StatusText(st define.ContainerState, now time.Time) string {
	switch st.Status {
	case define.StatusRunning:
		s := "Up " + HumanDuration(now.Sub(st.StartedAt)) + " ago"
		if st.Health != nil && st.Health.Status != "" {
			s += " (" + st.Health.Status + ")"
		}
		return s
	case define.StatusPaused:
		return "Paused"
	case define.StatusStopping:
		return "Stopping"
	case define.StatusExited, define.StatusStopped:
		return "Exited (" + strconv.Itoa(st.ExitCode) + ") " + HumanDuration(now.Sub(st.FinishedAt)) + " ago"
	case define.StatusCreated, define.StatusConfigured:
		return "Created"
	case define.StatusRemoving:
		return "Removing"
	}
	return string(st.Status)
}

// DockerStatusText is the STATUS column of docker ps: "Up 3 seconds",
// "Up 3 seconds (healthy)", "Up 3 seconds (health: starting)", "Up 3
// seconds (Paused)", "Exited (1) 2 seconds ago", "Created".
func DockerStatusText(st define.ContainerState, now time.Time) string {
	switch st.Status {
	case define.StatusRunning, define.StatusStopping, define.StatusPaused:
		s := "Up " + HumanDuration(now.Sub(st.StartedAt))
		switch {
		case st.Status == define.StatusPaused:
			s += " (Paused)"
		case st.Health != nil && st.Health.Status == "starting":
			s += " (health: starting)"
		case st.Health != nil && st.Health.Status != "":
			s += " (" + st.Health.Status + ")"
		}
		return s
	case define.StatusExited, define.StatusStopped:
		if st.FinishedAt.IsZero() {
			return "Created"
		}
		return "Exited (" + strconv.Itoa(st.ExitCode) + ") " + HumanDuration(now.Sub(st.FinishedAt)) + " ago"
	case define.StatusCreated, define.StatusConfigured:
		return "Created"
	case define.StatusRemoving:
		return "Removal In Progress"
	}
	return string(st.Status)
}

// HumanDuration spells a duration as Docker and Podman do.
func HumanDuration(d time.Duration) string {
	s := int(d.Seconds())
	switch {
	case s < 1:
		return "Less than a second"
	case s == 1:
		return "1 second"
	case s < 60:
		return strconv.Itoa(s) + " seconds"
	}
	m := int(d.Minutes())
	switch {
	case m == 1:
		return "About a minute"
	case m < 60:
		return strconv.Itoa(m) + " minutes"
	}
	h := int(d.Hours() + 0.5)
	switch {
	case h == 1:
		return "About an hour"
	case h < 48:
		return strconv.Itoa(h) + " hours"
	case h < 24*7*2:
		return strconv.Itoa(h/24) + " days"
	case h < 24*30*2:
		return strconv.Itoa(h/24/7) + " weeks"
	case h < 24*365*2:
		return strconv.Itoa(h/24/30) + " months"
	}
	return strconv.Itoa(h/24/365) + " years"
}

// compileFilters turns ps --filter values into one predicate; filters of
// one key are ORed, different keys ANDed.
func compileFilters(filters []string, all []*libpod.Container) (func(*libpod.Container) bool, error) {
	byKey := map[string][]func(*libpod.Container) bool{}
	find := func(ref string) *libpod.Container {
		for _, c := range all {
			if c.ID() == ref || c.Name() == ref || strings.HasPrefix(c.ID(), ref) {
				return c
			}
		}
		return nil
	}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, define.Invalidf("invalid filter %q: use key=value", f)
		}
		var p func(*libpod.Container) bool
		switch k {
		case "id":
			p = func(c *libpod.Container) bool { return strings.HasPrefix(c.ID(), v) }
		case "name":
			re, err := regexp.Compile(v)
			if err != nil {
				return nil, define.Invalidf("invalid name filter %q: %v", v, err)
			}
			p = func(c *libpod.Container) bool { return re.MatchString(c.Name()) }
		case "status":
			switch v {
			case "created", "running", "paused", "exited", "stopped", "configured", "removing", "stopping", "unknown":
			default:
				return nil, define.Invalidf("invalid status filter %q: use created, running, paused, exited, stopped or unknown", v)
			}
			p = func(c *libpod.Container) bool {
				s := string(c.State.Status)
				if c.State.Status == define.StatusConfigured {
					s = "created"
				}
				if c.State.Status == define.StatusStopped {
					s = "exited"
				}
				return s == v || (v == "stopped" && s == "exited")
			}
		case "health":
			switch v {
			case define.HealthHealthy, define.HealthUnhealthy, define.HealthStarting, "none":
			default:
				return nil, define.Invalidf("invalid health filter %q: use healthy, unhealthy, starting or none", v)
			}
			p = func(c *libpod.Container) bool {
				st := c.HealthStatus()
				return st == v || (v == "none" && st == "")
			}
		case "ancestor":
			p = func(c *libpod.Container) bool {
				im := c.Config.Image
				return im.Asked == v || im.Name == v || strings.HasPrefix(im.ID, strings.TrimPrefix(v, "sha256:")) ||
					strings.TrimSuffix(im.Name, ":latest") == v || strings.HasSuffix(strings.TrimSuffix(im.Name, ":latest"), "/"+v) ||
					strings.HasSuffix(im.Name, "/"+v)
			}
		case "label":
			lk, lv, hasV := strings.Cut(v, "=")
			p = func(c *libpod.Container) bool {
				got, ok := c.Config.Labels[lk]
				return ok && (!hasV || got == lv)
			}
		case "restart-policy":
			switch v {
			case "always", "on-failure", "unless-stopped", "no", "none":
			default:
				return nil, define.Invalidf("%s invalid restart policy", v)
			}
			p = func(c *libpod.Container) bool {
				n := c.Config.Restart.Name
				if n == "" || n == "none" {
					n = "no"
				}
				return n == v || v == "none" && n == "no"
			}
		case "exited":
			code, err := strconv.Atoi(v)
			if err != nil {
				return nil, define.Invalidf("invalid exited filter %q: not a number", v)
			}
			p = func(c *libpod.Container) bool {
				return (c.State.Status == define.StatusExited || c.State.Status == define.StatusStopped) && c.State.ExitCode == code
			}
		case "before", "since":
			ref := find(v)
			if ref == nil {
				return nil, define.Errorf(define.ErrNoSuchCtr, "no container with name or ID %q found: %w", v, define.ErrNoSuchCtr)
			}
			t := ref.Config.Created
			if k == "before" {
				p = func(c *libpod.Container) bool { return c.Config.Created.Before(t) }
			} else {
				p = func(c *libpod.Container) bool { return c.Config.Created.After(t) }
			}
		default:
			return nil, define.Invalidf("invalid filter %q: unknown key %q", f, k)
		}
		if k == "label" {
			k = f // label filters must all match, as in Docker and Podman
		}
		byKey[k] = append(byKey[k], p)
	}
	return func(c *libpod.Container) bool {
		for _, ps := range byKey {
			ok := false
			for _, p := range ps {
				if p(c) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}, nil
}
