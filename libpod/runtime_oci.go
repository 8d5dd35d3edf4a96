package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
)

// runtimeCandidate is one configured OCI runtime as found on this host.
type runtimeCandidate struct {
	Name   string // as configured, or the path it was given as
	Path   string // "" when no binary was found
	Reason string // why it cannot run containers here; "" when it can
}

// candidate finds the runtime called name (a name or a path) and says
// whether it can run containers on h.
func (r *Runtime) candidate(name string, h oci.Host) runtimeCandidate {
	c := runtimeCandidate{Name: name}
	if strings.Contains(name, "/") {
		if st, err := os.Stat(name); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			c.Reason = fmt.Sprintf("%s is not an executable file", name)
			return c
		}
		c.Path = name
	} else if p, ok := oci.Find(name, r.cfg.Engine.OCIRuntimes[name]); ok {
		c.Path = p
	} else {
		c.Reason = oci.MissingBinary(name, r.cfg.Engine.OCIRuntimes[name])
		return c
	}
	c.Reason = h.Refusal(name, r.cfg.Engine.RuntimeSupportsKVM)
	if c.Reason == "" {
		// Named by its path: the checks go by the binary's name.
		c.Reason = h.Refusal(filepath.Base(c.Path), r.cfg.Engine.RuntimeSupportsKVM)
	}
	return c
}

func (r *Runtime) ociHost() oci.Host { return oci.ProbeHost(r.cfg.Rootless) }

// runtimeNames lists the configured runtimes: the engine order first, then
// any other name of [engine.runtimes], sorted.
func (r *Runtime) runtimeNames() []string {
	names := append([]string{}, runtimeOrder(r.cfg.Engine.RuntimeOrder)...)
	var more []string
	for n := range r.cfg.Engine.OCIRuntimes {
		if !slices.Contains(names, n) {
			more = append(more, n)
		}
	}
	sort.Strings(more)
	return append(names, more...)
}

// chooseRuntime picks the runtime for new containers: name when given,
// else --runtime or containers.conf's runtime, else the first of the engine
// order that can run here. reason says why it was chosen. A runtime that
// cannot run here is refused with the reason, as define.ErrRuntimeUnavailable.
func (r *Runtime) chooseRuntime(name string, h oci.Host) (c runtimeCandidate, reason string, err error) {
	by := "named by the request"
	if name == "" {
		name = r.cfg.Engine.Runtime
		by = "named by " + r.cfg.RuntimeChosenBy
		if r.cfg.RuntimeChosenBy == "" {
			by = "named by containers.conf"
		}
	}
	if name != "" {
		c = r.candidate(name, h)
		if c.Reason != "" {
			what := "cannot run here"
			if c.Path == "" {
				what = "not found"
			}
			return c, "", define.Errorf(define.ErrRuntimeUnavailable, "OCI runtime %q %s: %s", name, what, c.Reason)
		}
		return c, by, nil
	}
	order := runtimeOrder(r.cfg.Engine.RuntimeOrder)
	var skipped []string
	for _, n := range order {
		c = r.candidate(n, h)
		if c.Reason == "" {
			reason = fmt.Sprintf("the first of %s that can run here", strings.Join(order, ", "))
			if len(skipped) > 0 {
				reason += " (" + strings.Join(skipped, "; ") + ")"
			}
			return c, reason, nil
		}
		skipped = append(skipped, n+": "+c.Reason)
	}
	return runtimeCandidate{}, "", define.Errorf(define.ErrRuntimeUnavailable, "no OCI runtime can run here: %s", strings.Join(skipped, "; "))
}

// OCIRuntime returns the OCI runtime for a new container (see
// chooseRuntime); name may be a runtime's name or path, "" for the default.
func (r *Runtime) OCIRuntime(name string) (*oci.Runtime, error) {
	c, _, err := r.chooseRuntime(name, r.ociHost())
	if err != nil {
		return nil, err
	}
	return r.newOCIRuntime(c.Name, c.Path, ""), nil
}

// runtimeOf returns the OCI runtime a container was created with, with the
// flags it needs for this container. It does not ask whether the runtime
// can create containers here: a container that exists must stay stoppable
// and removable.
func (r *Runtime) runtimeOf(c *Container) (*oci.Runtime, error) {
	name, path := c.Config.RuntimeName, c.Config.RuntimePath
	if path == "" || !isExecutable(path) {
		// The binary moved (an upgrade): look the name up again.
		cand := r.candidate(name, oci.Host{})
		if cand.Path == "" {
			return nil, define.Errorf(define.ErrRuntimeUnavailable, "OCI runtime %q of container %s: %s", name, c.ID(), cand.Reason)
		}
		path = cand.Path
	}
	return r.newOCIRuntime(name, path, c.Config.NetworkMode), nil
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// newOCIRuntime returns the runtime name at path with its global flags for
// a container whose network mode is netMode.
func (r *Runtime) newOCIRuntime(name, path, netMode string) *oci.Runtime {
	conmon, _ := oci.Find("conmon", r.cfg.Engine.ConmonPath)
	return &oci.Runtime{
		Name: name, Path: path, ConmonPath: conmon,
		Root:      filepath.Join(r.cfg.TmpDir, "runtime", filepath.Base(name)),
		ExitDir:   r.exitDir(),
		ExtraArgs: r.runtimeFlags(name, path, netMode),
	}
}

// runtimeFlags are the global flags of a runtime: those gVisor needs here
// first, then the user's (--runtime-flag, else containers.conf's
// [engine.runtimes_flags] for this runtime), which thus win over pm's.
func (r *Runtime) runtimeFlags(name, path, netMode string) []string {
	var args []string
	if oci.IsRunsc(path) {
		args = append(args, oci.GVisorArgs(r.ociHost(), netMode)...)
	}
	if len(r.cfg.RuntimeFlags) > 0 {
		return append(args, r.cfg.RuntimeFlags...)
	}
	conf, ok := r.cfg.Engine.OCIRuntimesFlags[name]
	if !ok {
		conf = r.cfg.Engine.OCIRuntimesFlags[filepath.Base(name)]
	}
	for _, f := range conf {
		args = append(args, "--"+strings.TrimLeft(f, "-"))
	}
	return args
}

// runtimeInfo describes the runtime in use and every configured one for
// `pm info`.
func (r *Runtime) runtimeInfo(version func(path string) string) (define.RuntimeInfo, []define.RuntimeInfo) {
	h := r.ociHost()
	var used define.RuntimeInfo
	if c, reason, err := r.chooseRuntime("", h); err != nil {
		used.Reason = err.Error()
	} else {
		used = define.RuntimeInfo{Name: c.Name, Package: packageOf(c.Path), Path: c.Path, Version: version(c.Path), Usable: true, Reason: reason}
	}
	var all []define.RuntimeInfo
	for _, n := range r.runtimeNames() {
		c := r.candidate(n, h)
		ri := define.RuntimeInfo{Name: n, Path: c.Path, Usable: c.Reason == "", Reason: c.Reason}
		if c.Path != "" {
			ri.Version = version(c.Path)
		}
		all = append(all, ri)
	}
	return used, all
}
