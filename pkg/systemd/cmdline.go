package systemd

import (
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// TakesValue reports whether the option called name (a long name without
// its dashes, or one letter) takes a value. It tells a command line's
// options apart from its arguments.
type TakesValue func(name string) bool

// commandLine is a pm run or create command line cut into its parts.
type commandLine struct {
	global  []string   // global options between the binary and the verb
	options [][]string // the verb's options, each with its value if separate
	rest    []string   // the image and the container's command
}

// parseCommandLine cuts args (args[0] being the binary) of `pm [global]
// [container] run|create [options] IMAGE [COMMAND...]`.
func parseCommandLine(args []string, global, create TakesValue) (*commandLine, error) {
	if len(args) < 2 {
		return nil, define.Invalidf("the container's create command %q is too short", strings.Join(args, " "))
	}
	cl := &commandLine{}
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "-" && args[i] != "--" {
		n := optionLen(args[i:], global)
		cl.global = append(cl.global, args[i:i+n]...)
		i += n
	}
	if i < len(args) && args[i] == "container" {
		i++
	}
	if i >= len(args) || (args[i] != "run" && args[i] != "create") {
		return nil, define.Invalidf("the container's create command %q is not pm run or pm create", strings.Join(args, " "))
	}
	i++
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "-" {
		if args[i] == "--" {
			i++
			break
		}
		n := optionLen(args[i:], create)
		cl.options = append(cl.options, args[i:i+n])
		i += n
	}
	cl.rest = args[i:]
	if len(cl.rest) == 0 {
		return nil, define.Invalidf("the container's create command %q names no image", strings.Join(args, " "))
	}
	return cl, nil
}

// optionLen is how many words the option at args[0] takes: 2 when its
// value is the next word.
func optionLen(args []string, tv TakesValue) int {
	a := args[0]
	if strings.HasPrefix(a, "--") {
		if strings.Contains(a, "=") || !tv(a[2:]) || len(args) < 2 {
			return 1
		}
		return 2
	}
	// A cluster of short options: a letter that takes a value takes the
	// rest of the word, or the next word.
	for j := 1; j < len(a); j++ {
		if tv(a[j : j+1]) {
			if j == len(a)-1 && len(args) > 1 {
				return 2
			}
			return 1
		}
	}
	return 1
}

// optionNames are the long or one-letter names an option word sets.
func optionNames(opt []string, tv TakesValue) []string {
	a := opt[0]
	if strings.HasPrefix(a, "--") {
		name, _, _ := strings.Cut(a[2:], "=")
		return []string{name}
	}
	var names []string
	for j := 1; j < len(a); j++ {
		names = append(names, a[j:j+1])
		if tv(a[j : j+1]) {
			break
		}
	}
	return names
}

// optionValue is the value an option sets ("" for a flag).
func optionValue(opt []string) string {
	if len(opt) > 1 {
		return opt[1]
	}
	if _, v, ok := strings.Cut(opt[0], "="); ok && strings.HasPrefix(opt[0], "--") {
		return v
	}
	return ""
}

// dropped are the run options a --new unit sets itself, or that conflict
// with running detached under systemd.
var dropped = map[string]bool{
	"d": true, "detach": true, "rm": true, "replace": true, "cidfile": true,
	"conmon-pidfile": true, "sdnotify": true, "cgroups": true, "rmi": true,
	"a": true, "attach": true, "restart": true,
}

// orNone is tv, or a TakesValue of no option when tv is nil.
func orNone(tv TakesValue) TakesValue {
	if tv == nil {
		return func(string) bool { return false }
	}
	return tv
}

// newCommand builds the words of a --new unit's ExecStart from the
// container's create command: pm run with the options of the original,
// those a unit needs added. Words are quoted for a unit file. The
// container's --restart policy, which the unit's Restart= takes over, is
// returned. With podIDFile, the container is created in the pod whose ID
// its pod's unit writes there, rather than in the pod it names.
func newCommand(exe string, createCmd []string, podIDFile string, o *Options) (_, restart string, _ error) {
	global, create := orNone(o.GlobalTakesValue), orNone(o.CreateTakesValue)
	cl, err := parseCommandLine(createCmd, global, create)
	if err != nil {
		return "", "", err
	}
	head := []string{Quote(exe)}
	for _, g := range cl.global {
		head = append(head, QuoteLiteral(g))
	}
	head = append(head, "run")
	sdnotify := "conmon"
	var kept []string
	for _, opt := range cl.options {
		names := optionNames(opt, create)
		if len(names) == 1 && (names[0] == "sdnotify") {
			if v := optionValue(opt); v == "container" {
				sdnotify = v
			}
			continue
		}
		if len(names) == 1 && names[0] == "restart" {
			restart = optionValue(opt)
		}
		if len(names) == 1 && podIDFile != "" && (names[0] == "pod" || names[0] == "pod-id-file") {
			continue
		}
		if len(names) == 1 && dropped[names[0]] {
			continue
		}
		if len(names) > 1 {
			// A short cluster such as -dit: drop the letters a unit sets.
			var letters strings.Builder
			for _, n := range names {
				if !dropped[n] {
					letters.WriteString(n)
				}
			}
			if letters.Len() == 0 {
				continue
			}
			last := names[len(names)-1]
			rest := strings.TrimPrefix(opt[0], "-"+strings.Join(names, ""))
			if dropped[last] && rest != "" {
				continue
			}
			opt = append([]string{"-" + letters.String() + rest}, opt[1:]...)
		}
		words := make([]string, len(opt))
		for i, w := range opt {
			words[i] = QuoteLiteral(w)
		}
		if o.Template && len(names) == 1 && names[0] == "name" {
			if len(opt) == 2 {
				words[1] = QuoteLiteral(opt[1]) + "-%i"
			} else {
				words[0] = QuoteLiteral(opt[0]) + "-%i"
			}
		}
		kept = append(kept, strings.Join(words, " "))
	}
	chunks := []string{strings.Join(head, " "),
		"--cidfile=%t/%n.ctr-id", "--cgroups=no-conmon", "--rm"}
	if podIDFile != "" {
		chunks = append(chunks, "--pod-id-file "+podIDFile)
	}
	chunks = append(chunks, "--sdnotify="+sdnotify, "-d", "--replace")
	chunks = append(chunks, kept...)
	var rest []string
	for _, w := range cl.rest {
		rest = append(rest, QuoteLiteral(w))
	}
	chunks = append(chunks, strings.Join(rest, " "))
	return strings.Join(chunks, "\n\t"), restart, nil
}

// podCreateDropped are the pod create options a --new pod unit sets
// itself.
var podCreateDropped = map[string]bool{"pod-id-file": true, "infra-conmon-pidfile": true, "replace": true}

// podCreateCommand builds a --new pod unit's ExecStartPre from the pod's
// create command: pm pod create writing the infra conmon's pid to pidFile
// and the pod's ID to idFile, replacing a pod of the same name left by a
// crash, with the pod stopping once its last container exits unless the
// original says otherwise.
func podCreateCommand(exe string, createCmd []string, pidFile, idFile string, o *Options) (string, error) {
	global, create := orNone(o.GlobalTakesValue), orNone(o.PodCreateTakesValue)
	bad := define.Invalidf("the pod's create command %q is not pm pod create", strings.Join(createCmd, " "))
	if len(createCmd) < 3 {
		return "", bad
	}
	i := 1
	for i < len(createCmd) && strings.HasPrefix(createCmd[i], "-") && createCmd[i] != "--" {
		i += optionLen(createCmd[i:], global)
	}
	if i+1 >= len(createCmd) || createCmd[i] != "pod" || createCmd[i+1] != "create" {
		return "", bad
	}
	head := []string{Quote(exe)}
	for _, g := range createCmd[1:i] {
		head = append(head, QuoteLiteral(g))
	}
	head = append(head, "pod", "create")
	chunks := []string{strings.Join(head, " "), "--infra-conmon-pidfile " + pidFile, "--pod-id-file " + idFile}
	var kept []string
	named, policy := false, false
	args := createCmd[i+2:]
	for j := 0; j < len(args); {
		a := args[j]
		if a == "--" {
			for _, w := range args[j+1:] {
				kept = append(kept, QuoteLiteral(w))
			}
			named = named || j+1 < len(args)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			named = true
			kept = append(kept, QuoteLiteral(a))
			j++
			continue
		}
		n := optionLen(args[j:], create)
		opt := args[j : j+n]
		j += n
		names := optionNames(opt, create)
		if len(names) == 1 && podCreateDropped[names[0]] {
			continue
		}
		for _, name := range names {
			named = named || name == "name" || name == "n"
			policy = policy || name == "exit-policy"
		}
		words := make([]string, len(opt))
		for k, w := range opt {
			words[k] = QuoteLiteral(w)
		}
		kept = append(kept, strings.Join(words, " "))
	}
	if !policy {
		chunks = append(chunks, "--exit-policy=stop")
	}
	if named {
		chunks = append(chunks, "--replace")
	}
	return strings.Join(append(chunks, kept...), "\n\t"), nil
}

// globalArgs returns the global options of a create command, to run the
// later commands of a unit against the same storage.
func globalArgs(createCmd []string, global TakesValue) []string {
	if global == nil {
		global = func(string) bool { return false }
	}
	var out []string
	for i := 1; i < len(createCmd) && strings.HasPrefix(createCmd[i], "-") && createCmd[i] != "--"; {
		n := optionLen(createCmd[i:], global)
		out = append(out, createCmd[i:i+n]...)
		i += n
	}
	return out
}
