package engine

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"github.com/pm-project/pm/pkg/specgen"
)

// configure applies an instruction that changes only the image's
// configuration; args are expanded already where Docker expands them.
func (b *builder) configure(cmd, args string) error {
	c := &b.cfg
	switch cmd {
	case "ENV":
		for _, kv := range envPairs(args) {
			b.env[kv[0]] = kv[1]
			c.Env = image.SetEnv(c.Env, kv[0], kv[1])
		}
	case "WORKDIR":
		if args == "" {
			return define.Invalidf("WORKDIR needs a directory")
		}
		if !strings.HasPrefix(args, "/") {
			args = path.Join("/", c.WorkingDir, args)
		}
		c.WorkingDir = path.Clean(args)
		b.wdMade = false
	case "USER":
		if args == "" {
			return define.Invalidf("USER needs a user")
		}
		c.User = args
	case "CMD":
		c.Cmd = b.command(args)
		b.cmdSet = true
	case "ENTRYPOINT":
		c.Entrypoint = b.command(args)
		if !b.cmdSet {
			// A base image's CMD was meant for its own entrypoint.
			c.Cmd = nil
		}
	case "EXPOSE", "LABEL":
		return image.ApplyChanges(&c.ImageConfig, []string{cmd + " " + args})
	case "VOLUME":
		vols, err := b.volumes(args)
		if err != nil {
			return err
		}
		if c.Volumes == nil {
			c.Volumes = map[string]struct{}{}
		}
		for _, v := range vols {
			c.Volumes[v] = struct{}{}
		}
	case "STOPSIGNAL":
		if err := checkStopSignal(args); err != nil {
			return err
		}
		c.StopSignal = args
	case "HEALTHCHECK":
		hc, err := parseHealthcheck(args)
		if err != nil {
			return err
		}
		c.Healthcheck = hc
	case "SHELL":
		sh, err := parseShell(args)
		if err != nil {
			return err
		}
		c.Shell = sh
	case "ONBUILD":
		trigger, err := parseOnBuild(args)
		if err != nil {
			return err
		}
		c.OnBuild = append(c.OnBuild, trigger)
	case "MAINTAINER":
		b.author = args
	default:
		return define.Invalidf("unknown instruction %s", cmd)
	}
	return nil
}

// volumes reads VOLUME's JSON array or its space-separated paths. Text
// that is not a JSON array of strings (single quotes, say) is the
// space-separated form, each word with its quotes removed as a shell
// would, as Docker and Buildah read it: `VOLUME ['/a', '/b']` makes the
// volumes "[/a," and "/b]" (under / in a container); a warning says so.
func (b *builder) volumes(args string) ([]string, error) {
	vols, ok := jsonList(args)
	if !ok {
		vols = strings.Fields(args)
		for i, v := range vols {
			vols[i] = unquoteWord(v)
		}
		if strings.HasPrefix(args, "[") {
			b.warn(fmt.Sprintf("VOLUME %s is not a JSON array (JSON strings take double quotes): the volumes are %s", args, strconvQuoteList(vols)))
		}
	}
	if len(vols) == 0 {
		return nil, define.Invalidf("VOLUME needs at least one path")
	}
	for i, v := range vols {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, define.Invalidf("VOLUME: a volume path cannot be empty")
		}
		vols[i] = v
	}
	return vols, nil
}

// checkStopSignal checks STOPSIGNAL's one signal, by name or number.
func checkStopSignal(sig string) error {
	if _, err := specgen.ParseSignal(sig); err != nil || strings.ContainsAny(sig, " \t") {
		return define.Invalidf("STOPSIGNAL: invalid signal %q", sig)
	}
	return nil
}

// jsonList reads s as a JSON array of strings (the exec form).
func jsonList(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") {
		return nil, false
	}
	var l []string
	if json.Unmarshal([]byte(s), &l) != nil {
		return nil, false
	}
	return l, true
}

// parseShell reads SHELL ["executable", "parameters"...].
func parseShell(args string) ([]string, error) {
	sh, ok := jsonList(args)
	if !ok {
		return nil, define.Invalidf("SHELL must be a JSON array of strings, as SHELL [\"/bin/sh\", \"-c\"]")
	}
	if len(sh) == 0 || sh[0] == "" {
		return nil, define.Invalidf("SHELL needs an executable")
	}
	return sh, nil
}

// parseOnBuild checks an ONBUILD trigger and returns it as stored.
func parseOnBuild(args string) (string, error) {
	word, _, _ := strings.Cut(args, " ")
	switch w := strings.ToUpper(word); w {
	case "":
		return "", define.Invalidf("ONBUILD needs an instruction")
	case "ONBUILD":
		return "", define.Invalidf("ONBUILD ONBUILD is not allowed")
	case "FROM", "MAINTAINER":
		return "", define.Invalidf("%s is not allowed as an ONBUILD trigger", w)
	default:
		if !knownInstruction(w) {
			return "", define.Invalidf("ONBUILD: unknown instruction %s", word)
		}
	}
	return args, nil
}

// onBuild runs the ONBUILD triggers of the stage's base image, right
// after its FROM; the stage's image does not keep them.
func (b *builder) onBuild() error {
	triggers := b.cfg.OnBuild
	b.cfg.OnBuild = nil
	// What the triggers commit are intermediate images, even after the
	// build's last FROM.
	final := b.final
	b.final = false
	defer func() { b.final = final }()
	for _, t := range triggers {
		steps, err := parseDockerfile(t)
		if err == nil && len(steps) != 1 {
			err = define.Invalidf("not one instruction")
		}
		if err == nil {
			_, err = parseOnBuild(t)
		}
		if err != nil {
			return define.Invalidf("invalid ONBUILD trigger %q of the base image: %v", t, err)
		}
		fmt.Fprintf(b.out, "--> Running the base image's ONBUILD trigger: %s\n", t)
		b.dirty = true
		if err := b.step(steps[0]); err != nil {
			return fmt.Errorf("running the ONBUILD trigger %q: %w", t, err)
		}
	}
	return nil
}

// parseHealthcheck reads HEALTHCHECK [--interval=D] [--timeout=D]
// [--start-period=D] [--start-interval=D] [--retries=N] CMD command, or
// HEALTHCHECK NONE. A shell-form command is CMD-SHELL.
func parseHealthcheck(args string) (*define.HealthConfig, error) {
	hc := &define.HealthConfig{}
	rest := strings.TrimSpace(args)
	for strings.HasPrefix(rest, "--") {
		var flag string
		flag, rest, _ = strings.Cut(rest, " ")
		rest = strings.TrimSpace(rest)
		name, val, ok := strings.Cut(flag[2:], "=")
		if !ok {
			return nil, define.Invalidf("HEALTHCHECK: option --%s needs a value (--%s=VALUE)", name, name)
		}
		if name == "retries" {
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return nil, define.Invalidf("HEALTHCHECK: invalid --retries=%s: want a whole number of at least 1", val)
			}
			hc.Retries = n
			continue
		}
		dst := map[string]*time.Duration{"interval": &hc.Interval, "timeout": &hc.Timeout,
			"start-period": &hc.StartPeriod, "start-interval": &hc.StartInterval}[name]
		if dst == nil {
			return nil, define.Invalidf("HEALTHCHECK: unknown option --%s", name)
		}
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 || d > 0 && d < time.Millisecond {
			return nil, define.Invalidf("HEALTHCHECK: invalid --%s=%s: want a duration of at least 1ms, such as 30s", name, val)
		}
		*dst = d
	}
	typ, cmd, _ := strings.Cut(rest, " ")
	cmd = strings.TrimSpace(cmd)
	switch strings.ToUpper(typ) {
	case "NONE":
		if cmd != "" || rest != strings.TrimSpace(args) {
			return nil, define.Invalidf("HEALTHCHECK NONE takes no command and no options")
		}
		return &define.HealthConfig{Test: []string{"NONE"}}, nil
	case "CMD":
		if l, ok := jsonList(cmd); ok {
			if len(l) == 0 {
				return nil, define.Invalidf("HEALTHCHECK CMD needs a command")
			}
			hc.Test = append([]string{"CMD"}, l...)
		} else if cmd != "" {
			hc.Test = []string{"CMD-SHELL", cmd}
		} else {
			return nil, define.Invalidf("HEALTHCHECK CMD needs a command")
		}
		return hc, nil
	case "":
		return nil, define.Invalidf("HEALTHCHECK needs CMD command or NONE")
	}
	return nil, define.Invalidf("HEALTHCHECK: unknown type %q: use CMD or NONE", typ)
}

// knownInstruction reports whether pm's builder knows the instruction.
func knownInstruction(cmd string) bool {
	switch cmd {
	case "FROM", "ARG", "RUN", "COPY", "ADD", "ENV", "WORKDIR", "USER", "CMD", "ENTRYPOINT",
		"EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER":
		return true
	}
	return false
}

// checkStep finds what is wrong with an instruction before the build
// runs anything: unknown instructions, malformed HEALTHCHECK, SHELL and
// ONBUILD, and COPY and ADD options. What depends on variables or on the
// image (a --chown user, a STOPSIGNAL from an ARG) is checked when the
// step runs.
func checkStep(st buildStep) error {
	if !knownInstruction(st.Cmd) {
		return define.Invalidf("unknown instruction %s", st.Cmd)
	}
	var err error
	switch st.Cmd {
	case "HEALTHCHECK":
		_, err = parseHealthcheck(st.Args)
	case "SHELL":
		_, err = parseShell(st.Args)
	case "ONBUILD":
		_, err = parseOnBuild(st.Args)
	case "COPY", "ADD":
		_, err = parseCopyArgs(st.Cmd, st.Args)
		if err == nil && heredoc().MatchString(st.Args) {
			err = define.Invalidf("heredocs (<<EOF) are not supported by pm's builder")
		}
	case "RUN":
		err = runFlags(st.Args)
		if err == nil && heredoc().MatchString(st.Args) {
			err = define.Invalidf("heredocs (<<EOF) are not supported by pm's builder")
		}
	case "STOPSIGNAL":
		if !strings.Contains(st.Args, "$") {
			err = checkStopSignal(st.Args)
		}
	}
	return err
}

// heredoc finds a heredoc (<<EOF, <<-"EOF") in RUN, COPY or ADD, whose
// body would otherwise be read as instructions.
var heredoc = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<<-?["']?[A-Za-z_]`) })

// runFlags refuses the options of RUN (--mount, --network, --security),
// which pm's builder does not have.
func runFlags(args string) error {
	if !strings.HasPrefix(args, "--") {
		return nil
	}
	flag, _, _ := strings.Cut(strings.Fields(args)[0], "=")
	return define.Invalidf("RUN %s is not supported by pm's builder", flag)
}

// dockerOnly warns that the result, an OCI image, cannot keep what only
// a Docker-format configuration holds, as Podman warns.
func (b *builder) dockerOnly() {
	c := &b.cfg
	if c.Healthcheck != nil {
		b.warn("HEALTHCHECK is not supported in the OCI image format and is left out of the image: build with --format docker to keep it")
	}
	if len(c.Shell) > 0 {
		b.warn(fmt.Sprintf("SHELL %s is not supported in the OCI image format and is left out of the image (the RUN steps of this build used it): build with --format docker to keep it", strconvQuoteList(c.Shell)))
	}
	for _, t := range c.OnBuild {
		b.warn(fmt.Sprintf("ONBUILD %s is not supported in the OCI image format and is left out of the image: build with --format docker to keep it", t))
	}
}

// warn tells the user something the build does differently from what
// they may expect.
func (bs *buildState) warn(msg string) {
	if bs.req.Warn != nil {
		bs.req.Warn(msg)
		return
	}
	fmt.Fprintf(bs.out, "WARNING: %s\n", msg)
}
