package engine

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/pm-project/pm/libpod/define"
)

// buildStep is one Dockerfile instruction.
type buildStep struct {
	Cmd, Args string
	Line      string
}

// buildStage is one FROM and the instructions after it, up to the next.
type buildStage struct {
	name  string // the AS name, lowercased; "" for none
	steps []buildStep
}

// fromArgs reads FROM's [--platform=...] IMAGE [AS NAME]. pm builds for
// the host's platform only: another one is refused (a platform holding a
// variable is checked once it is expanded).
func fromArgs(args string) (img, name string, err error) {
	var f []string
	for _, w := range strings.Fields(args) {
		flag, ok := strings.CutPrefix(w, "--")
		if !ok {
			f = append(f, w)
			continue
		}
		k, v, _ := strings.Cut(flag, "=")
		if k != "platform" {
			return "", "", define.Invalidf("FROM: unknown option --%s", k)
		}
		if v != "" && !strings.Contains(v, "$") && !hostPlatform(v) {
			return "", "", define.Invalidf("FROM --platform=%s: pm builds for this host's platform only, %s/%s", v, runtime.GOOS, runtime.GOARCH)
		}
	}
	switch {
	case len(f) == 1:
		return f[0], "", nil
	case len(f) == 3 && strings.EqualFold(f[1], "AS"):
		return f[0], strings.ToLower(f[2]), nil
	}
	return "", "", define.Invalidf("invalid FROM %q: use FROM IMAGE [AS NAME]", args)
}

// hostPlatform reports whether an OS/ARCH[/VARIANT] platform is the
// host's.
func hostPlatform(p string) bool {
	os, arch, _ := strings.Cut(p, "/")
	arch, _, _ = strings.Cut(arch, "/")
	return os == runtime.GOOS && arch == runtime.GOARCH
}

// platformArgs are the ARGs Docker defines for the build's and the
// target's platform, both the host's for pm.
func platformArgs() map[string]string {
	m := map[string]string{}
	for _, p := range []string{"BUILD", "TARGET"} {
		m[p+"PLATFORM"] = runtime.GOOS + "/" + runtime.GOARCH
		m[p+"OS"], m[p+"ARCH"], m[p+"VARIANT"] = runtime.GOOS, runtime.GOARCH, ""
	}
	return m
}

// splitStages cuts the instructions into the ARGs before the first FROM
// and the stages.
func splitStages(steps []buildStep) ([]buildStep, []buildStage, error) {
	var globals []buildStep
	var stages []buildStage
	for _, st := range steps {
		if st.Cmd == "FROM" {
			_, name, err := fromArgs(st.Args)
			if err != nil {
				return nil, nil, err
			}
			stages = append(stages, buildStage{name: name})
		}
		if len(stages) == 0 {
			if st.Cmd != "ARG" {
				return nil, nil, define.Invalidf("Dockerfile must begin with FROM (or ARG), not %s", st.Cmd)
			}
			globals = append(globals, st)
			continue
		}
		s := &stages[len(stages)-1]
		s.steps = append(s.steps, st)
	}
	if len(stages) == 0 {
		return nil, nil, define.Invalidf("Dockerfile has no FROM")
	}
	return globals, stages, nil
}

// stageIndex finds a stage by name or index among the first n.
func stageIndex(stages []buildStage, ref string, n int) int {
	ref = strings.ToLower(ref)
	for i := 0; i < n && i < len(stages); i++ {
		if stages[i].name != "" && stages[i].name == ref {
			return i
		}
	}
	if i, err := strconv.Atoi(ref); err == nil && i >= 0 && i < n && i < len(stages) {
		return i
	}
	return -1
}

func short(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// strconvQuoteList writes l as a JSON array, as a Containerfile has it.
func strconvQuoteList(l []string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(l)
	return strings.TrimSuffix(b.String(), "\n")
}

// escapeDirective is the parser directive of the escape character.
var escapeDirective = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^#\s*(?i:escape)\s*=\s*(\S+)\s*$`) })

var varRef = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\\\\|\\\$|\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`)
})

// expandWith replaces $VAR and ${VAR} with the first of maps that has it.
// An escaped \$ is a plain $, as in Docker (LABEL run="podman run \${IMAGE}"
// keeps the variable for the label's reader); \\ stays as it is.
func expandWith(s string, maps ...map[string]string) string {
	return varRef().ReplaceAllStringFunc(s, func(m string) string {
		switch m {
		case `\\`:
			return m
		case `\$`:
			return "$"
		}
		k := strings.Trim(m[1:], "{}")
		for _, mp := range maps {
			if v, ok := mp[k]; ok {
				return v
			}
		}
		return ""
	})
}

// envPairs reads ENV's KEY=VALUE ... or KEY VALUE forms.
func envPairs(s string) [][2]string {
	if !strings.Contains(strings.SplitN(s, " ", 2)[0], "=") {
		k, v, _ := strings.Cut(s, " ")
		return [][2]string{{k, strings.TrimSpace(v)}}
	}
	var out [][2]string
	for _, f := range splitQuoted(s) {
		k, v, _ := strings.Cut(f, "=")
		out = append(out, [2]string{k, v})
	}
	return out
}

// unquoteWord removes a shell word's quotes: what is between single
// quotes stays as it is, a backslash outside them keeps the next
// character (inside double quotes only before " and \).
func unquoteWord(w string) string {
	var b strings.Builder
	single, double := false, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case single:
			if c == '\'' {
				single = false
			} else {
				b.WriteByte(c)
			}
		case c == '\'' && !double:
			single = true
		case c == '"':
			double = !double
		case c == '\\' && i+1 < len(w) && (!double || w[i+1] == '"' || w[i+1] == '\\'):
			i++
			b.WriteByte(w[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitQuoted splits on spaces outside double quotes, dropping the quotes.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	inQ, any := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQ, any = !inQ, true
		case r == ' ' && !inQ:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

// parseDockerfile splits a Dockerfile into instructions, joining
// continuation lines and dropping comments.
func parseDockerfile(s string) ([]buildStep, error) {
	var steps []buildStep
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args := line, ""
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			cmd, args = line[:i], line[i+1:]
		}
		steps = append(steps, buildStep{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args), Line: line})
	}
	directives := true // parser directives come before anything else
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(t, "#") {
			if m := escapeDirective().FindStringSubmatch(t); directives && m != nil && m[1] != "\\" {
				return nil, define.Invalidf("the parser directive escape=%s is not supported by pm's builder: its escape character is \\", m[1])
			}
			continue
		}
		directives = false
		if strings.HasSuffix(t, "\\") {
			cur.WriteString(strings.TrimSuffix(t, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(t)
		flush()
	}
	flush()
	return steps, sc.Err()
}

// extractContext unpacks the build context tar into dir, refusing paths
// that leave it.
func extractContext(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return define.Invalidf("reading build context: %v", err)
		}
		p, err := securejoin.SecureJoin(dir, h.Name)
		if err != nil {
			return err
		}
		mode := os.FileMode(h.Mode).Perm()
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode|0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			f.Close()
			if err != nil {
				return fmt.Errorf("extracting %s: %w", h.Name, err)
			}
		case tar.TypeSymlink:
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		}
	}
}
