package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statsJSON is one entry of `pm stats --format json`.
type statsJSON struct {
	ID, Name   string
	CPUPercent string `json:"cpu_percent"`
	MemUsage   string `json:"mem_usage"`
	PIDs       string `json:"pids"`
	CPUTime    string `json:"cpu_time"`
}

// pct parses "12.34%".
func pct(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || !strings.HasSuffix(s, "%") {
		t.Fatalf("not a percentage: %q", s)
	}
	return f
}

func (e *Env) stats(args ...string) map[string]statsJSON {
	e.t.Helper()
	var list []statsJSON
	decodeJSON(e.t, e.PMOK(append([]string{"stats", "--no-stream", "--format", "json"}, args...)...).Stdout, &list)
	out := map[string]statsJSON{}
	for _, s := range list {
		out[s.Name] = s
	}
	return out
}

// minBusyCPU is the least CPU share, in percent, that a busy loop is
// expected to show. How much of a CPU the loop gets depends on the host's
// load (under 20% on a loaded 2-core machine), so the bound is low: it
// still tells a percentage from a fraction, or a reading of nothing.
const minBusyCPU = 2

// waitCPU waits until a container has used at least d of CPU time.
func (e *Env) waitCPU(name string, d time.Duration) {
	e.t.Helper()
	e.waitFor(20*time.Second, name+" using CPU", func() bool {
		got, err := time.ParseDuration(e.stats(name)[name].CPUTime)
		return err == nil && got >= d
	})
}

// TestStats: a busy container shows CPU use and an idle one little; memory
// and process counts are read, processes of `pm exec` included; stopped
// containers are listed with --all only; bad input is refused.
func TestStats(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "busy", "busybox", "sh", "-c", "while :; do :; done")
	env.runID("--name", "idle", "busybox", "sleep", "1000")
	env.PMOK("create", "--name", "stopped", "busybox", "true")
	env.waitCPU("busy", 300*time.Millisecond)

	st := env.stats()
	if len(st) != 2 {
		t.Fatalf("pm stats lists %v, want busy and idle", st)
	}
	if c := pct(t, st["busy"].CPUPercent); c < minBusyCPU {
		t.Errorf("busy container: CPU %.2f%%, want a busy loop's share", c)
	}
	if c := pct(t, st["idle"].CPUPercent); c > 20 || c >= pct(t, st["busy"].CPUPercent) {
		t.Errorf("idle container: CPU %.2f%%", c)
	}
	for _, n := range []string{"busy", "idle"} {
		if strings.HasPrefix(st[n].MemUsage, "0B") || !strings.Contains(st[n].MemUsage, " / ") {
			t.Errorf("%s: memory %q", n, st[n].MemUsage)
		}
		if st[n].PIDs != "1" {
			t.Errorf("%s: pids %q, want 1", n, st[n].PIDs)
		}
	}

	env.PMOK("exec", "-d", "idle", "sleep", "100")
	env.waitFor(10*time.Second, "exec process counted", func() bool { return env.stats("idle")["idle"].PIDs == "2" })

	all := env.PMOK("stats", "--no-stream", "-a", "--format", "{{.Name}} {{.PIDS}}").Lines()
	if !contains(all, "stopped 0") || len(all) != 3 {
		t.Errorf("stats -a = %q, want the stopped container with zeros too", all)
	}
	if out := env.PMOK("stats", "--no-stream", "busy").Lines(); len(out) != 2 || !strings.Contains(out[0], "CPU %") || !strings.Contains(out[0], "MEM USAGE / LIMIT") {
		t.Errorf("stats table = %q", out)
	}

	env.PM("stats", "--no-stream", "nope").ExpectError(t, 125, "no container with name or ID \"nope\"")
	env.PM("stats", "--no-stream", "-a", "busy").ExpectError(t, 125, "cannot be used together")
	env.PM("stats", "--no-stream", "-i", "0").ExpectError(t, 125, "interval")
	env.PM("stats", "--no-stream", "--format", "{{.Nope}}").ExpectError(t, 125, "Nope")
}

// TestPodStats: pod stats lists each container of the pod, infra
// included, with the pod's ID.
func TestPodStats(t *testing.T) {
	env := podEnv(t)
	podID := strings.TrimSpace(env.PMOK("pod", "create", "--name", "sp").Stdout)
	env.runID("--pod", "sp", "--name", "spbusy", "busybox", "sh", "-c", "while :; do :; done")
	env.waitCPU("spbusy", 300*time.Millisecond)

	var rows []struct{ Pod, CID, Name, CPU, PIDS string }
	decodeJSON(t, env.PMOK("pod", "stats", "--no-stream", "--format", "json", "sp").Stdout, &rows)
	if len(rows) != 2 {
		t.Fatalf("pod stats = %+v, want infra and spbusy", rows)
	}
	for _, r := range rows {
		if r.Pod != podID[:12] || len(r.CID) != 12 || r.PIDS == "0" {
			t.Errorf("pod stats row %+v (pod %s)", r, podID)
		}
		if r.Name == "spbusy" && pct(t, r.CPU) < minBusyCPU {
			t.Errorf("busy member: CPU %s", r.CPU)
		}
	}
	if out := env.PMOK("pod", "stats", "--no-stream", "--format", "{{.Name}}").Lines(); !contains(out, "spbusy") {
		t.Errorf("pod stats without a pod = %q", out)
	}
	env.PM("pod", "stats", "--no-stream", "nope").ExpectError(t, 125, "no such pod")
	env.PM("pod", "stats", "--no-stream", "-a", "sp").ExpectError(t, 125, "cannot be used together")
}

// TestAPIStats: the docker CLI's stats and a one-shot GET read real
// numbers through the API; a stream sends a reading a second.
func TestAPIStats(t *testing.T) {
	needTool(t, "docker")
	env := ctrEnv(t)
	svc := env.startService(nil, "--time", "0")
	env.runID("--name", "busy", "busybox", "sh", "-c", "while :; do :; done")
	env.waitCPU("busy", 300*time.Millisecond)

	out := strings.Fields(env.docker("stats", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}} {{.PIDs}}", "busy").Stdout)
	if len(out) != 3 || out[0] != "busy" || pct(t, out[1]) < minBusyCPU || out[2] != "1" {
		t.Errorf("docker stats = %q", out)
	}

	code, body := env.curl(svc.Sock, "GET", "/v1.44/containers/busy/stats?stream=false", "")
	var s struct {
		Name string
		CPU  struct {
			CPUUsage struct {
				TotalUsage uint64 `json:"total_usage"`
			} `json:"cpu_usage"`
			System uint64 `json:"system_cpu_usage"`
		} `json:"cpu_stats"`
		PreCPU struct {
			CPUUsage struct {
				TotalUsage uint64 `json:"total_usage"`
			} `json:"cpu_usage"`
		} `json:"precpu_stats"`
		Memory   struct{ Usage uint64 }   `json:"memory_stats"`
		PidsStat struct{ Current uint64 } `json:"pids_stats"`
	}
	if code != "200" {
		t.Fatalf("GET stats: %s %s", code, body)
	}
	decodeJSON(t, body, &s)
	if s.Name != "/busy" || s.CPU.CPUUsage.TotalUsage <= s.PreCPU.CPUUsage.TotalUsage || s.PreCPU.CPUUsage.TotalUsage == 0 ||
		s.CPU.System == 0 || s.Memory.Usage == 0 || s.PidsStat.Current != 1 {
		t.Errorf("GET stats?stream=false = %s", body)
	}

	r := env.Exec("curl", "-s", "-m", "2.5", "--unix-socket", svc.Sock, "http://pm/containers/busy/stats")
	if n := strings.Count(r.Stdout, `"cpu_stats"`); n < 2 {
		t.Errorf("a 2.5 s stream sent %d readings: %q", n, r.Stdout)
	}
	dec := json.NewDecoder(strings.NewReader(r.Stdout))
	for dec.More() {
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			t.Errorf("stream is not JSON lines: %v", err)
			break
		}
	}

	code, body = env.curl(svc.Sock, "GET", "/containers/nope/stats?stream=false", "")
	if code != "404" || !strings.Contains(body, "No such container: nope") {
		t.Errorf("stats of an unknown container: %s %s", code, body)
	}
}
