package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// invoked holds the command words of this pm's command line (the first
// arguments that are not options), read before the command tree is built,
// so that a noun package can leave out commands this invocation cannot
// reach: building every command and its flags costs each pm process
// milliseconds, most of it in the container verbs. nil means every command
// is built (tests, help, completion, a line pm could not read).
var invoked []string

// SetInvoked reads the command words from args, skipping the global
// options of globals (and their values). It records nil, so that every
// command is built, for a line it cannot read or one that needs the whole
// tree: no command word, help, completion, an unknown option before the
// first word.
func SetInvoked(args []string, globals *pflag.FlagSet) {
	invoked = nil
	var words []string
	for i := 0; i < len(args) && len(words) < 2; i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
			continue
		}
		if a == "--" || a == "-" {
			break
		}
		var f *pflag.Flag
		inline := false
		if name, ok := strings.CutPrefix(a, "--"); ok {
			name, _, inline = strings.Cut(name, "=")
			f = globals.Lookup(name)
		} else if len(a) == 2 {
			f = globals.ShorthandLookup(a[1:])
		}
		if f == nil {
			// A command's own option (or one pm cannot read): the words
			// before it are the command's.
			break
		}
		if !inline && f.NoOptDefVal == "" {
			i++ // the option's value
		}
	}
	if len(words) == 0 || words[0] == "help" || words[0] == "completion" || strings.HasPrefix(words[0], "__complete") {
		return
	}
	invoked = words
}

// Wanted reports whether the top-level command known by names (its name
// and aliases) is to be built for this invocation.
func Wanted(names ...string) bool {
	return invoked == nil || slices.Contains(names, invoked[0])
}

// WantedSub reports whether the subcommand known by names, of the group
// known by group, is to be built: all of a group's subcommands are when
// the line names the group alone, or a word none of all (the names of
// every subcommand of the group) matches, so that its usage and errors
// list them.
func WantedSub(group, names, all []string) bool {
	if invoked == nil {
		return true
	}
	if !slices.Contains(group, invoked[0]) {
		return false
	}
	return len(invoked) < 2 || slices.Contains(names, invoked[1]) || !slices.Contains(all, invoked[1])
}

// Verb is a command of a noun's group (`pm container`, `pm image`) that
// may also stand at the top level, built by Make under the name it is
// given.
type Verb struct {
	Make    func(name string) *cobra.Command
	Sub     string   // name in the group, "" for none
	Aliases []string // aliases in the group
	Top     string   // top-level name, "" for none
}

// AddVerbs adds to group and to root the verbs this invocation can reach
// (all of them when it is unknown; see SetInvoked), each passed through
// wrap, and adds group to root.
func AddVerbs(root, group *cobra.Command, verbs []Verb, wrap func(*cobra.Command) *cobra.Command) {
	groupNames := append([]string{group.Name()}, group.Aliases...)
	var subs []string
	for _, v := range verbs {
		subs = append(append(subs, v.Sub), v.Aliases...)
	}
	for _, v := range verbs {
		if v.Sub != "" && WantedSub(groupNames, append([]string{v.Sub}, v.Aliases...), subs) {
			c := wrap(v.Make(v.Sub))
			c.Aliases = v.Aliases
			group.AddCommand(c)
		}
		// A top-level command answers to its group aliases too (umount).
		if v.Top != "" && Wanted(append([]string{v.Top}, v.Aliases...)...) {
			root.AddCommand(wrap(v.Make(v.Top)))
		}
	}
	root.AddCommand(group)
}
