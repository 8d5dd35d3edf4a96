package e2e

import (
	"strings"
	"testing"
)

// TestValueRanges: out-of-range values of run and create (NaN, infinities,
// overflow, negative numbers, values the kernel or conmon cannot take)
// are refused with the option and value named, exit 125, and nothing is
// made; the same through the Docker API is a 400.
func TestValueRanges(t *testing.T) {
	env := ctrEnv(t)
	bad := []struct {
		args []string
		msg  string
	}{
		{[]string{"--memory=99999999999999999999999g"}, `invalid --memory "99999999999999999999999g": too large`},
		{[]string{"--memory=nan"}, `invalid --memory "nan": not a size`},
		{[]string{"--memory=inf"}, `invalid --memory "inf": not a size`},
		{[]string{"--memory=1e30"}, `invalid --memory "1e30": not a size`},
		{[]string{"--memory=-1g"}, `invalid --memory "-1g": not a size`},
		{[]string{"--memory-swap=nan"}, `invalid --memory-swap "nan"`},
		{[]string{"--memory-swap=-2"}, `invalid --memory-swap "-2"`},
		{[]string{"--memory=64m", "--memory-swap=32m"}, "must be at least --memory"},
		{[]string{"--memory-reservation=infinity"}, `invalid --memory-reservation "infinity"`},
		{[]string{"--shm-size=1e30"}, `invalid --shm-size "1e30": not a size`},
		{[]string{"--shm-size=9999999999999p"}, `invalid --shm-size "9999999999999p": too large`},
		{[]string{"--shm-size=0"}, `invalid --shm-size "0": must be more than 0`},
		{[]string{"--cpus=nan"}, "invalid --cpus NaN: not a number of CPUs"},
		{[]string{"--cpus=inf"}, "invalid --cpus +Inf: not a number of CPUs"},
		{[]string{"--cpus=-1"}, "invalid --cpus -1: must not be negative"},
		{[]string{"--cpus=1e300"}, "invalid --cpus 1e+300: range of CPUs is from 0.01"},
		{[]string{"--cpus=100000"}, "as there are only"},
		{[]string{"--cpu-shares=1"}, "invalid --cpu-shares 1: must be between 2 and 262144"},
		{[]string{"--cpu-shares=300000"}, "invalid --cpu-shares 300000"},
		{[]string{"--cpu-shares=-1"}, `invalid argument "-1" for "--cpu-shares" flag`},
		{[]string{"--pids-limit=-5"}, "invalid --pids-limit -5"},
		{[]string{"--pids-limit=99999999999999999999"}, `invalid argument "99999999999999999999" for "--pids-limit" flag`},
		{[]string{"--ulimit=nofile=5:2"}, `invalid --ulimit "nofile=5:2": soft limit 5 is above hard limit 2`},
		{[]string{"--ulimit=nofile=99999999999999999999"}, `invalid --ulimit "nofile=99999999999999999999"`},
		{[]string{"--ulimit=nofile=-5"}, `invalid --ulimit "nofile=-5"`},
		{[]string{"-p", "70000:80"}, `invalid port "70000:80": host port: 70000 is not between 1 and 65535`},
		{[]string{"-p", "0:80"}, `invalid port "0:80": host port: 0 is not between 1 and 65535`},
		{[]string{"-p", "8080:0"}, `invalid port "8080:0": container port: 0`},
		{[]string{"--expose=0"}, `invalid --expose "0"`},
		{[]string{"--stop-timeout=99999999999999"}, "invalid --stop-timeout 99999999999999: at most 9223372036 seconds"},
		{[]string{"--stop-timeout=-1"}, `invalid argument "-1" for "--stop-timeout" flag`},
		{[]string{"--timeout=4294967295"}, "invalid --timeout 4294967295: at most 2147483647 seconds"},
		{[]string{"--health-cmd=true", "--health-interval=-5s"}, "invalid --health-interval -5s"},
		{[]string{"--health-cmd=true", "--health-interval=9999999999h"}, `invalid --health-interval "9999999999h"`},
		{[]string{"--health-cmd=true", "--health-timeout=nan"}, `invalid --health-timeout "nan"`},
		{[]string{"--health-cmd=true", "--health-start-period=-1s"}, "invalid --health-start-period -1s"},
		{[]string{"--health-cmd=true", "--health-retries=0"}, "invalid --health-retries 0"},
		{[]string{"--stop-signal=99"}, "valid signals are 1 through 64"},
		{[]string{"--stop-signal=0"}, "invalid signal: 0"},
		{[]string{"--stop-signal=RTMIN+40"}, "invalid signal: RTMIN+40"},
		{[]string{"--log-opt=max-size=nan"}, "invalid --log-opt max-size=nan"},
		{[]string{"-v", "/tmp:/x:O"}, "option O: pm does not support overlay mounts of host directories"},
		{[]string{"-v", "/tmp:/x:ro,idmap"}, "option idmap: pm does not support idmapped mounts"},
		{[]string{"--mount", "type=bind,src=/tmp,dst=/x,idmap"}, "option idmap: pm does not support idmapped mounts"},
	}
	for _, b := range bad {
		for _, verb := range []string{"create", "run"} {
			env.expectRefused(b.msg, append(append([]string{verb}, b.args...), "busybox", "true")...)
		}
	}

	// Good values at the edges run.
	env.PMOK("run", "--rm", "--memory=6m", "--memory-swap=-1", "--cpus=0.01", "--cpu-shares=2", "--pids-limit=-1",
		"--shm-size=1k", "--ulimit=nofile=100:200", "--stop-timeout=9223372036", "--timeout=2147483647", "busybox", "true")

	// Signals and stop timeouts of the verbs on a running container.
	env.PMOK("run", "-d", "--name", "sig", "busybox", "sleep", "300")
	env.PM("kill", "-s", "99", "sig").ExpectError(t, 125, "valid signals are 1 through 64")
	env.PM("kill", "-s", "SIGFOO", "sig").ExpectError(t, 125, "invalid signal: SIGFOO")
	env.PM("stop", "-t", "99999999999999", "sig").ExpectError(t, 125, "invalid stop timeout 99999999999999")
	if st := env.ctrField("sig", ".State"); st != "running" {
		t.Errorf("after refused kill and stop: state %q, want running", st)
	}
	env.PMOK("rm", "-f", "-t", "0", "sig")
}

// TestValueRangesDockerAPI: the same checks through the Docker API answer
// 400 with the message and create nothing.
func TestValueRangesDockerAPI(t *testing.T) {
	needTool(t, "curl")
	env := ctrEnv(t)
	svc := env.startService(nil, "--time", "0")
	bad := []struct{ hostConfig, msg string }{
		{`"Memory":-5`, "invalid --memory -5"},
		{`"MemorySwap":-2`, "invalid --memory-swap -2"},
		{`"Memory":67108864,"MemorySwap":1048576`, "must be at least --memory"},
		{`"NanoCpus":-1`, "must not be negative"},
		{`"NanoCpus":100000000000000`, "as there are only"},
		{`"NanoCpus":1000`, "range of CPUs is from 0.01"},
		{`"CpuShares":1`, "invalid --cpu-shares 1"},
		{`"ShmSize":-1`, "invalid --shm-size -1"},
		{`"Ulimits":[{"Name":"nofile","Soft":10,"Hard":5}]`, "soft limit 10 is above hard limit 5"},
		{`"Ulimits":[{"Name":"bogus","Soft":1,"Hard":1}]`, `unknown limit \"bogus\"`},
		{`"PortBindings":{"80/tcp":[{"HostPort":"70000"}]}`, "70000 is not between 1 and 65535"},
	}
	for _, b := range bad {
		code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create", `{"Image":"busybox","HostConfig":{`+b.hostConfig+`}}`)
		if code != "400" || !strings.Contains(body, b.msg) {
			t.Errorf("HostConfig {%s}: %s %s, want 400 with %q", b.hostConfig, code, body, b.msg)
		}
	}
	for _, c := range []struct{ config, msg string }{
		{`"StopTimeout":-1`, "invalid StopTimeout -1"},
		{`"StopSignal":"SIGFOO"`, "invalid signal: SIGFOO"},
		{`"Healthcheck":{"Test":["CMD","true"],"Interval":-1}`, "Interval in Healthcheck cannot be less than 1ms"},
	} {
		code, body := env.curl(svc.Sock, "POST", "/v1.44/containers/create", `{"Image":"busybox",`+c.config+`}`)
		if code != "400" || !strings.Contains(body, c.msg) {
			t.Errorf("{%s}: %s %s, want 400 with %q", c.config, code, body, c.msg)
		}
	}
	if ids := env.psIDs(); len(ids) > 0 {
		t.Errorf("refused creates left containers: %q", ids)
	}
	env.expectNoStorageContainers("refused API creates")
}
