package main

import (
	"context"
	"strings"

	"github.com/pm-project/pm/cmd/pm/internal/cli"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Shell completion of arguments and flag values. The shells' scripts
// (pm completion) call `pm __complete ARGS... PARTIAL`; only then does pm
// walk its command tree to give each command a completion of its
// arguments, read from its usage line as Podman writes them: CONTAINER,
// IMAGE, POD, VOLUME, NETWORK, SECRET complete those names, REGISTRY
// registries.conf's unqualified-search registries; PATH, FILE,
// COMMAND and the like complete files; anything else completes nothing.

// isCompletion reports whether pm was called by a completion script.
func isCompletion(args []string) bool {
	return len(args) > 0 && strings.HasPrefix(args[0], cobra.ShellCompRequestCmd)
}

// objKind is what an argument or a flag value names.
type objKind int

const (
	kindNone objKind = 1 << iota
	kindFile
	kindContainer
	kindImage
	kindPod
	kindVolume
	kindNetwork
	kindSecret
	kindRegistry
)

// kindOf reads a usage-line word such as "[CONTAINER...]" or
// "{CONTAINER|IMAGE}".
func kindOf(word string) objKind {
	var k objKind
	for _, m := range []struct {
		word string
		kind objKind
	}{
		{"CONTAINER", kindContainer}, {"IMAGE", kindImage}, {"LIST", kindImage}, {"POD", kindPod},
		{"VOLUME", kindVolume}, {"NETWORK", kindNetwork}, {"SECRET", kindSecret}, {"REGISTRY", kindRegistry},
		{"PATH", kindFile}, {"FILE", kindFile}, {"CONTEXT", kindFile}, {"COMMAND", kindFile},
		{"ARG", kindFile}, {"URI", kindFile}, {"DIR", kindFile},
	} {
		if strings.Contains(word, m.word) {
			k |= m.kind
		}
	}
	if k == 0 {
		return kindNone
	}
	return k
}

// installCompletions gives every runnable command without a completion
// of its own one of its arguments, and the flags that name pm's objects
// a completion of their values.
func installCompletions(root *cobra.Command, env *cli.Env) {
	walk(root, func(c *cobra.Command) {
		if c.Runnable() && c.ValidArgsFunction == nil {
			if vals := c.ValidArgs; len(vals) > 0 {
				// One word of a fixed list (completion's shell), then
				// nothing: cobra alone would offer files after it.
				c.ValidArgs = nil
				c.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
					if len(args) == 0 {
						return vals, cobra.ShellCompDirectiveNoFileComp
					}
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
			} else {
				c.ValidArgsFunction = argsCompletion(env, usageWords(c))
			}
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { registerFlagCompletion(c, f, env) })
	})
}

// usageWords are the argument words of c's usage line.
func usageWords(c *cobra.Command) []string {
	var out []string
	for _, w := range strings.Fields(c.Use)[1:] {
		if w != "[options]" {
			out = append(out, w)
		}
	}
	return out
}

// argsCompletion completes the argument at the position being typed with
// the kind its usage word names; a word with "..." repeats.
func argsCompletion(env *cli.Env, words []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		i := len(args)
		if i >= len(words) {
			if len(words) == 0 || !strings.Contains(words[len(words)-1], "...") {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			i = len(words) - 1
		}
		k := kindOf(words[i])
		// "[...]" repeats the word before it.
		for j := i; k == kindNone && j > 0 && strings.Contains(words[j], "..."); j-- {
			k = kindOf(words[j-1])
		}
		if strings.Contains(words[i], "CONTAINER:") {
			// cp: a container's name, then a path in it; a host path
			// when no container's name starts with what is typed.
			if ctr, p, ok := strings.Cut(toComplete, ":"); ok {
				paths, d := containerPathCompletion(cmd.Context(), env, ctr, p)
				for j := range paths {
					paths[j] = ctr + ":" + paths[j]
				}
				return paths, d
			}
			names := complete(cmd.Context(), env, kindContainer, toComplete)
			if len(names) == 0 {
				return nil, cobra.ShellCompDirectiveDefault
			}
			for j := range names {
				names[j] += ":"
			}
			return names, cobra.ShellCompDirectiveNoSpace
		}
		if k == kindFile && i > 0 && words[0] == "IMAGE" && len(args) > 0 {
			// create, run: the command and its arguments are paths in
			// the image.
			return imagePathCompletion(cmd.Context(), env, args[0], toComplete)
		}
		if k == kindFile {
			return nil, cobra.ShellCompDirectiveDefault
		}
		return complete(cmd.Context(), env, k, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// complete lists the names of the objects of kinds k that start with
// toComplete; IDs too once two characters are typed, as Podman.
func complete(ctx context.Context, env *cli.Env, k objKind, toComplete string) []cobra.Completion {
	if k&^(kindNone|kindFile) == 0 {
		return nil
	}
	eng, err := env.Engine(ctx)
	if err != nil {
		cobra.CompDebugln(err.Error(), true)
		return nil
	}
	ids := len(toComplete) >= 2
	var out []string
	add := func(s string) {
		if s != "" && strings.HasPrefix(s, toComplete) {
			out = append(out, s)
		}
	}
	if k&kindContainer != 0 {
		cs, err := eng.ContainerList(ctx, engine.ContainerListRequest{All: true, Last: -1})
		compDebug(err)
		for _, c := range cs {
			for _, n := range c.Names {
				add(n)
			}
			if ids {
				add(shortID(c.ID))
			}
		}
	}
	if k&kindImage != 0 {
		is, err := eng.ImageList(ctx, engine.ImageListRequest{})
		compDebug(err)
		for _, img := range is {
			for _, n := range img.RepoTags {
				add(n)
				if toComplete != "" {
					add(withoutDomain(n))
				}
			}
			if ids {
				add(shortID(strings.TrimPrefix(img.ID, "sha256:")))
			}
		}
	}
	if k&kindPod != 0 {
		ps, err := eng.PodList(ctx, nil)
		compDebug(err)
		for _, p := range ps {
			add(p.Name)
			if ids {
				add(shortID(p.ID))
			}
		}
	}
	if k&kindVolume != 0 {
		vs, err := eng.VolumeList(ctx, nil)
		compDebug(err)
		for _, v := range vs {
			add(v.Name)
		}
	}
	if k&kindNetwork != 0 {
		ns, err := eng.NetworkList(ctx, nil)
		compDebug(err)
		for _, n := range ns {
			add(n.Name)
		}
	}
	if k&kindSecret != 0 {
		ss, err := eng.SecretList(ctx, nil)
		compDebug(err)
		for _, s := range ss {
			add(s.Name)
		}
	}
	if k&kindRegistry != 0 {
		rs, err := eng.SearchRegistries()
		compDebug(err)
		for _, r := range rs {
			add(r)
		}
	}
	return out
}

func compDebug(err error) {
	if err != nil {
		cobra.CompDebugln(err.Error(), true)
	}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// withoutDomain is an image name without its registry ("localhost/a:1"
// is "a:1"), the short name users type.
func withoutDomain(name string) string {
	first, rest, ok := strings.Cut(name, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return rest
	}
	return name
}

// flagValues are the fixed values of flags, by flag name.
var flagValues = map[string][]string{
	"log-level":      logLevels,
	"events-backend": {"file", "journald", "none"},
	"cgroup-manager": {"cgroupfs", "systemd"},
	"pull":           {"always", "missing", "never", "newer"},
	"restart":        {"no", "always", "on-failure", "unless-stopped"},
	"log-driver":     {"k8s-file", "json-file", "journald", "none", "passthrough"},
	"userns":         {"auto", "host", "keep-id", "nomap", "ns:"},
	"ipc":            {"host", "none", "private", "shareable", "container:", "ns:"},
	"pid":            {"host", "private", "container:", "ns:"},
	"uts":            {"host", "private", "container:", "ns:"},
	"cgroupns":       {"host", "private"},
}

// flagObjects are the flags whose values name pm's objects.
var flagObjects = map[string]objKind{
	"pod":          kindPod,
	"network":      kindNetwork,
	"volumes-from": kindContainer,
	"secret":       kindSecret,
}

// networkModes complete --network besides the networks' names.
var networkModes = []string{"bridge", "host", "none", "private", "pasta", "slirp4netns", "container:", "ns:"}

func registerFlagCompletion(c *cobra.Command, f *pflag.Flag, env *cli.Env) {
	if vals, ok := flagValues[f.Name]; ok {
		_ = c.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(vals, cobra.ShellCompDirectiveNoFileComp))
		return
	}
	k, ok := flagObjects[f.Name]
	if !ok {
		return
	}
	_ = c.RegisterFlagCompletionFunc(f.Name, func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		out := complete(cmd.Context(), env, k, toComplete)
		if k == kindNetwork {
			for _, m := range networkModes {
				if strings.HasPrefix(m, toComplete) {
					out = append(out, m)
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}
