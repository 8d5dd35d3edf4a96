package compat

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/engine"
)

func TestCommitConfigChanges(t *testing.T) {
	t.Parallel()
	var c commitConfig
	body := `{"Cmd":["sh","-c","echo hi"],"Entrypoint":"/init","Env":["A=1","Q=say \"hi\"","EMPTY="],
		"Labels":{"b":"two words","a":"x"},"ExposedPorts":{"80/tcp":{},"53/udp":{}},"Volumes":{"/data":{}},
		"WorkingDir":"/w","User":"1000","StopSignal":"SIGINT"}`
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	changes, err := c.changes()
	if err != nil {
		t.Fatal(err)
	}
	var cfg imgspecv1.ImageConfig
	if err := engine.ApplyImageChanges(&cfg, changes); err != nil {
		t.Fatalf("%q: %v", changes, err)
	}
	if strings.Join(cfg.Cmd, "|") != "sh|-c|echo hi" || strings.Join(cfg.Entrypoint, "|") != "/init" ||
		strings.Join(cfg.Env, "|") != `A=1|Q=say "hi"|EMPTY=` || cfg.Labels["b"] != "two words" || cfg.Labels["a"] != "x" ||
		len(cfg.ExposedPorts) != 2 || len(cfg.Volumes) != 1 || cfg.WorkingDir != "/w" || cfg.User != "1000" || cfg.StopSignal != "SIGINT" {
		t.Errorf("config from %q: %+v", changes, cfg)
	}
	if _, err := (&commitConfig{Shell: strSlice{"bash"}}).changes(); err == nil {
		t.Errorf("a Shell in a commit's config was accepted")
	}
	if _, err := (&commitConfig{Config: container.Config{Env: []string{`X=a"b'c`}}}).changes(); err == nil {
		t.Errorf("a value with both quotes was accepted")
	}
}
