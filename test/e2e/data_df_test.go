package e2e

import (
	"strings"
	"testing"
)

func TestDataSystemDf(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "--name", "dfc", "-v", "dfvol:/v", "busybox", "sh", "-c", "dd if=/dev/zero of=/v/blob bs=1k count=200 2>/dev/null")
	out := env.PMOK("system", "df").Stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "TYPE") || !strings.Contains(lines[0], "RECLAIMABLE") ||
		!strings.HasPrefix(lines[1], "Images") || !strings.HasPrefix(lines[2], "Containers") || !strings.HasPrefix(lines[3], "Local Volumes") {
		t.Fatalf("system df:\n%s", out)
	}
	if f := strings.Fields(lines[3]); len(f) < 6 || f[2] != "1" || f[3] != "1" || !strings.HasPrefix(f[4], "204.8kB") {
		t.Errorf("volumes row: %q", lines[3])
	}
	var js []struct {
		Type        string
		Total       int
		RawSize     int64
		Reclaimable string
	}
	decodeJSON(t, env.PMOK("system", "df", "--format", "json").Stdout, &js)
	if len(js) != 3 || js[2].Type != "Local Volumes" || js[2].RawSize != 204800 {
		t.Errorf("df json: %+v", js)
	}
	if got := env.PMOK("system", "df", "--format", "{{.Type}}={{.Total}}").Stdout; got != "Images=1\nContainers=1\nLocal Volumes=1\n" {
		t.Errorf("df template: %q", got)
	}
	v := env.PMOK("system", "df", "-v").Stdout
	for _, s := range []string{"Images space usage:", "Containers space usage:", "Local Volumes space usage:", "dfvol", "dfc"} {
		if !strings.Contains(v, s) {
			t.Errorf("df -v lacks %q:\n%s", s, v)
		}
	}
	env.PM("system", "df", "-v", "--format", "json").ExpectError(t, 125, "cannot combine")
	env.PM("system", "df", "--format", "{{.Bad").ExpectError(t, 125, "template")
	env.PMOK("rm", "dfc")
	env.PMOK("volume", "rm", "dfvol")
}

func TestDataSystemPrune(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("volume", "create", "--label", "keep=yes", "kept")
	env.PMOK("volume", "create", "unused")
	env.PMOK("run", "--name", "stopped", "busybox", "true")
	running := env.runID("--name", "running", "-v", "used:/u", "busybox", "sleep", "300")
	// Without -f and with no "y" nothing goes.
	env.PMStdin(strings.NewReader("n\n"), "system", "prune")
	if len(env.psIDs()) != 2 {
		t.Fatal("prune without confirmation removed containers")
	}
	out := env.PMOK("system", "prune", "-f").Stdout
	if !strings.Contains(out, "Deleted Containers") || !strings.Contains(out, "Total reclaimed space:") {
		t.Errorf("system prune output:\n%s", out)
	}
	if ids := env.psIDs(); !equal(ids, []string{running}) {
		t.Errorf("after prune: containers %q", ids)
	}
	if got := env.volumeNames(); len(got) != 3 {
		t.Errorf("prune without --volumes removed volumes: %q", got)
	}
	env.PM("system", "prune", "-f", "--filter", "bogus=1").ExpectError(t, 125, "invalid filter 'bogus'")
	out = env.PMOK("system", "prune", "-f", "--volumes", "--filter", "label!=keep=yes").Stdout
	if !strings.Contains(out, "Deleted Volumes\nunused\n") {
		t.Errorf("prune --volumes output:\n%s", out)
	}
	if got := env.volumeNames(); !equal(got, []string{"kept", "used"}) {
		t.Errorf("after prune --volumes: %q", got)
	}
	env.PMOK("rm", "-f", "-t", "0", "running")
	env.PMOK("system", "prune", "-a", "-f", "--volumes")
	if got := env.volumeNames(); len(got) != 0 {
		t.Errorf("after prune -a --volumes: volumes %q", got)
	}
	if got := env.imageIDs(); len(got) != 0 {
		t.Errorf("after prune -a: images %q", got)
	}
	// volume prune honours --filter and asks first.
	env.PMOK("volume", "create", "--label", "x=1", "p1")
	env.PMOK("volume", "create", "p2")
	env.PMStdin(strings.NewReader("n\n"), "volume", "prune")
	if got := env.volumeNames(); len(got) != 2 {
		t.Errorf("volume prune without confirmation: %q", got)
	}
	if got := env.PMOK("volume", "prune", "-f", "--filter", "label=x=1").Stdout; got != "p1\n" {
		t.Errorf("volume prune --filter: %q", got)
	}
	env.PMOK("volume", "rm", "p2")
}
