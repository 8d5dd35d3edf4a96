package libpod

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/oci"
	"golang.org/x/sys/unix"
)

// Info gathers what `pm info` shows. It opens storage.
func (r *Runtime) Info(ctx context.Context) (*define.Info, error) {
	st, err := r.Store()
	if err != nil {
		return nil, err
	}
	cfg := r.cfg
	info := &define.Info{Registries: map[string][]string{}}
	h := &info.Host
	h.Arch, h.OS = runtime.GOARCH, runtime.GOOS
	h.CPUs = runtime.NumCPU()
	h.CgroupsVersion = oci.CgroupVersion()
	h.CgroupControllers = cgroupControllers(cfg.Rootless)
	h.CgroupManager = cfg.Engine.CgroupManager
	if h.CgroupManager == "" {
		h.CgroupManager = "cgroupfs"
	}
	h.DatabaseBackend = "sqlite"
	h.DatabasePath = cfg.DatabasePath
	h.Distribution = readOSRelease("/etc/os-release")
	h.EventLogger = cfg.Engine.EventsLogger
	h.Hostname, _ = os.Hostname()
	h.Kernel = kernelRelease()
	h.MemTotal, h.MemFree = memInfo()
	h.NetworkBackend = cfg.Network.NetworkBackend
	h.RootlessNetworkCmd = cfg.Network.DefaultRootlessNetworkCmd
	h.RuntimeDir = cfg.RuntimeDir
	h.Uptime = uptime()
	h.Security.Rootless = cfg.Rootless
	h.Security.Capabilities = strings.Join(cfg.Containers.DefaultCapabilities, ",")
	h.Security.SeccompEnabled = true
	h.Security.SeccompProfilePath = cfg.Containers.SeccompProfile
	h.IDMappings = idMappings(cfg.Rootless)
	if h.IDMappings.Source != "" && strings.HasPrefix(h.IDMappings.Source, "single") {
		h.Warnings = append(h.Warnings, "no subordinate id range for this user in /etc/subuid or /etc/subgid: containers get a single-id mapping")
	}

	if p, ok := oci.Find("conmon", cfg.Engine.ConmonPath); ok {
		h.Conmon = define.ComponentInfo{Name: "conmon", Package: packageOf(p), Path: p, Version: oci.VersionOf(ctx, p)}
	}
	h.OCIRuntime, h.OCIRuntimes = r.runtimeInfo(func(p string) string { return oci.VersionOf(ctx, p) })
	if p, ok := oci.Find("pasta", nil); ok {
		h.Pasta = define.ComponentInfo{Name: "pasta", Executable: p, Package: packageOf(p), Version: oci.VersionOf(ctx, p)}
	}
	if p, ok := oci.Find("slirp4netns", nil); ok {
		h.Slirp4NetNS = define.ComponentInfo{Name: "slirp4netns", Executable: p, Package: packageOf(p), Version: oci.VersionOf(ctx, p)}
	}
	if p := cfg.ServiceSocket(); p != "" {
		h.RemoteSocket.Path = "unix://" + p
		_, err := os.Stat(p)
		h.RemoteSocket.Exists = err == nil
	}

	s := &info.Store
	s.ConfigFiles = cfg.Files
	s.GraphDriverName = st.GraphDriverName()
	s.GraphOptions = graphOptions(st.GraphOptions())
	s.GraphRoot = st.GraphRoot()
	s.RunRoot = st.RunRoot()
	s.TransientStore = st.TransientStore()
	s.VolumePath = cfg.VolumePath
	s.GraphStatus = map[string]string{}
	if status, err := st.Status(); err == nil {
		for _, kv := range status {
			s.GraphStatus[kv[0]] = kv[1]
		}
	}
	imgs, err := st.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	s.ImageStore.Number = len(imgs)
	ctrs, err := r.containerCounts(ctx)
	if err != nil {
		return nil, err
	}
	s.ContainerStore = ctrs

	info.Version = VersionInfo()
	// pm builds images itself (no buildah): its builder's version is pm's.
	h.BuildahVersion = info.Version.Version
	h.LogDriver = cfg.Containers.LogDriver
	if h.LogDriver == "" {
		h.LogDriver = "k8s-file"
	}
	return info, nil
}

// graphOptions turns storage's "name=value" options into a map, as
// Podman's info shows them.
func graphOptions(opts []string) map[string]string {
	m := make(map[string]string, len(opts))
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		m[k] = v
	}
	return m
}

// VersionInfo describes this pm build.
func VersionInfo() define.Version {
	v := define.Version{
		APIVersion: define.APIVersion,
		Version:    define.PMVersion,
		GoVersion:  runtime.Version(),
		GitCommit:  define.GitCommit,
		Os:         runtime.GOOS,
		OsArch:     runtime.GOOS + "/" + runtime.GOARCH,
	}
	if sec, err := strconv.ParseInt(define.BuildTime, 10, 64); err == nil {
		v.Built = sec
		v.BuiltTime = time.Unix(sec, 0).Format(time.ANSIC)
	}
	return v
}

func runtimeOrder(order []string) []string {
	if len(order) > 0 {
		return order
	}
	return []string{"crun", "runc", "runsc", "kata"}
}

func idMappings(rootless bool) define.IDMappings {
	if !rootless {
		return define.IDMappings{Source: "none: running as root"}
	}
	m := define.IDMappings{
		UIDMap: readIDMap("/proc/self/uid_map"),
		GIDMap: readIDMap("/proc/self/gid_map"),
		Source: "/etc/subuid and /etc/subgid",
	}
	if len(m.UIDMap) <= 1 {
		m.Source = "single id: no range for this user in /etc/subuid"
	}
	return m
}

func readIDMap(path string) []define.IDMap {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []define.IDMap
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m define.IDMap
		if _, err := fmt.Sscan(sc.Text(), &m.ContainerID, &m.HostID, &m.Size); err == nil {
			out = append(out, m)
		}
	}
	return out
}

func readOSRelease(path string) define.DistributionInfo {
	var d define.DistributionInfo
	b, err := os.ReadFile(path)
	if err != nil {
		return d
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		switch k {
		case "ID":
			d.Distribution = v
		case "VERSION_ID":
			d.Version = v
		case "VERSION_CODENAME":
			d.Codename = v
		}
	}
	return d
}

func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

func memInfo() (total, free int64) {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return 0, 0
	}
	unit := int64(si.Unit)
	return int64(si.Totalram) * unit, int64(si.Freeram) * unit
}

func uptime() string {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return ""
	}
	return (time.Duration(si.Uptime) * time.Second).String()
}
