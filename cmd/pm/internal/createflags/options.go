package createflags

import (
	"fmt"
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
	"github.com/spf13/pflag"
)

// optFlags are the run and create flags for IPC, time zone, proxies,
// conmon and the host's users.
type optFlags struct {
	IPC           string
	CgroupNS      string
	PID           string
	UTS           string
	TZ            string
	Replace       bool
	HTTPProxy     bool
	KernelMemory  string
	PreserveFDs   uint
	Timeout       uint
	ConmonPidFile string
	CIDFile       string
	HostUsers     []string
	Attach        []string
	Secrets       []string
	SdNotify      string
	Cgroups       string
	Systemd       string
}

func (f *optFlags) bind(fs *pflag.FlagSet) {
	fs.StringVar(&f.IPC, "ipc", "", "IPC namespace to use (host, none, private, shareable, container:NAME, ns:PATH)")
	fs.StringVar(&f.CgroupNS, "cgroupns", "", "Cgroup namespace to use (host, private, container:NAME, ns:PATH; default containers.conf's cgroupns, private)")
	fs.StringVar(&f.PID, "pid", "", "PID namespace to use (host, private, container:NAME, ns:PATH)")
	fs.StringVar(&f.UTS, "uts", "", "UTS namespace to use (host, private, ns:PATH)")
	fs.StringVar(&f.TZ, "tz", "", "Set timezone in container (local or an IANA zone name)")
	fs.BoolVar(&f.Replace, "replace", false, "If a container with the same name exists, replace it")
	fs.BoolVar(&f.HTTPProxy, "http-proxy", true, "Set proxy environment variables in the container based on the host proxy vars")
	fs.StringVar(&f.KernelMemory, "kernel-memory", "", "Kernel memory limit (no-op, kept for compatibility)")
	fs.UintVar(&f.PreserveFDs, "preserve-fds", 0, "Pass a number of additional file descriptors into the container")
	fs.UintVar(&f.Timeout, "timeout", 0, "Maximum length of time a container is allowed to run, in seconds; the container is killed after it")
	fs.StringVar(&f.ConmonPidFile, "conmon-pidfile", "", "Path to the file that holds conmon's PID")
	fs.StringVar(&f.CIDFile, "cidfile", "", "Write the container ID to the file, which must not exist")
	fs.StringSliceVar(&f.HostUsers, "hostuser", nil, "Host user account to add to /etc/passwd within the container")
	fs.StringArrayVarP(&f.Attach, "attach", "a", nil, "Attach to STDIN, STDOUT or STDERR")
	fs.StringArrayVar(&f.Secrets, "secret", nil, "Add a secret to the container (NAME[,type=mount|env][,target=,uid=,gid=,mode=])")
	fs.StringVar(&f.SdNotify, "sdnotify", "conmon", `Control sd-notify behavior ("conmon"|"container"|"ignore")`)
	fs.StringVar(&f.Systemd, "systemd", "true", `Run container in systemd mode ("true"|"false"|"always")`)
	fs.StringVar(&f.Cgroups, "cgroups", "enabled", `Control container cgroup configuration ("enabled"|"disabled"|"no-conmon"|"split")`)
}

// proxyVars are the host variables --http-proxy passes on.
var proxyVars = []string{"http_proxy", "https_proxy", "ftp_proxy", "no_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY"}

// apply parses the flags into s. The proxy variables come first, so that
// --env can override them.
func (f *optFlags) apply(fs *pflag.FlagSet, s *specgen.Spec, userEnv map[string]string) error {
	s.IPC, s.CgroupNS, s.Timezone, s.Replace = f.IPC, f.CgroupNS, f.TZ, f.Replace
	s.PID, s.UTS = f.PID, f.UTS
	s.PreserveFDs, s.Timeout, s.HostUsers = f.PreserveFDs, f.Timeout, f.HostUsers
	s.Systemd = strings.ToLower(f.Systemd)
	switch f.SdNotify {
	case "conmon", "container", "ignore":
		s.SdNotifyMode = f.SdNotify
	default:
		return define.Invalidf("invalid --sdnotify %q: must be conmon, container or ignore", f.SdNotify)
	}
	switch f.Cgroups {
	case "enabled", "disabled", "no-conmon", "split":
		s.CgroupsMode = f.Cgroups
	default:
		return define.Invalidf("invalid --cgroups %q: must be enabled, disabled, no-conmon or split", f.Cgroups)
	}
	for _, v := range f.Secrets {
		sec, err := specgen.ParseSecret(v)
		if err != nil {
			return err
		}
		s.Secrets = append(s.Secrets, sec)
	}
	if f.ConmonPidFile != "" {
		p, err := absPath(f.ConmonPidFile)
		if err != nil {
			return err
		}
		s.ConmonPidFile = p
	}
	if f.CIDFile != "" {
		p, err := absPath(f.CIDFile)
		if err != nil {
			return err
		}
		s.CIDFile = p
	}
	if fs.Changed("kernel-memory") {
		fmt.Fprintln(os.Stderr, "The --kernel-memory flag is no longer supported. This flag is a noop.")
	}
	if f.HTTPProxy {
		for _, k := range proxyVars {
			if _, set := userEnv[k]; set {
				continue
			}
			if v, ok := os.LookupEnv(k); ok {
				s.Env[k] = v
			}
		}
	}
	if f.PreserveFDs > 0 {
		for fd := 3; fd < 3+int(f.PreserveFDs); fd++ {
			if _, err := os.Stat(fmt.Sprintf("/proc/self/fd/%d", fd)); err != nil {
				return define.Invalidf("invalid --preserve-fds %d: file descriptor %d is not open", f.PreserveFDs, fd)
			}
		}
	}
	return nil
}

// Streams are the streams of -a/--attach; all three when it is not given.
type Streams struct {
	Stdin, Stdout, Stderr bool
}

// AttachStreams parses -a/--attach.
func (f *Flags) AttachStreams() (Streams, error) {
	if len(f.opts.Attach) == 0 {
		return Streams{Stdin: true, Stdout: true, Stderr: true}, nil
	}
	var st Streams
	for _, a := range f.opts.Attach {
		switch strings.ToLower(a) {
		case "stdin":
			st.Stdin = true
		case "stdout":
			st.Stdout = true
		case "stderr":
			st.Stderr = true
		default:
			return st, define.Invalidf("invalid stream %q for --attach: must be one of stdin, stdout, or stderr", a)
		}
	}
	return st, nil
}

func absPath(p string) (string, error) {
	if strings.HasPrefix(p, "/") {
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return wd + "/" + p, nil
}
