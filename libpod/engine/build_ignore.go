package engine

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// ignoreRule is one line of a .containerignore or .dockerignore file.
type ignoreRule struct {
	re      *regexp.Regexp
	pattern string // the cleaned pattern text, without "!"
	negate  bool   // "!pattern": bring back what earlier rules left out
}

// readIgnore reads the ignore file: file when given, else the build
// context's .containerignore, else its .dockerignore; none gives no rules.
func readIgnore(dir, file string) ([]ignoreRule, error) {
	var f *os.File
	if file != "" {
		var err error
		if f, err = os.Open(file); err != nil {
			return nil, err
		}
	}
	for _, n := range []string{".containerignore", ".dockerignore"} {
		if f != nil {
			break
		}
		f, _ = os.Open(filepath.Join(dir, n))
	}
	if f == nil {
		return nil, nil
	}
	defer f.Close()
	var rules []ignoreRule
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{}
		if rest, ok := strings.CutPrefix(line, "!"); ok {
			r.negate, line = true, strings.TrimSpace(rest)
		}
		line = strings.TrimPrefix(path.Clean("/"+line), "/")
		re, err := ignoreRegexp(line)
		if err != nil {
			return nil, fmt.Errorf("ignore file: pattern %q: %w", line, err)
		}
		r.re, r.pattern = re, line
		rules = append(rules, r)
	}
	return rules, sc.Err()
}

// ignoreRegexp turns a pattern into an anchored expression: "*" and "?"
// stay within one path element, "**" crosses them, [...] classes pass.
func ignoreRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				i++
				if i+1 < len(p) && p[i+1] == '/' {
					i++
					b.WriteString("(.*/)?") // "**/" is zero or more directories
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unterminated [")
			}
			b.WriteString(p[i : i+j+1])
			i += j
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(string(p[i])))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// ignored applies the rules to rel, a slash-separated path in the context:
// a rule matching rel or one of its parent directories decides, the last
// matching rule winning.
func ignored(rules []ignoreRule, rel string) bool {
	out := false
	for _, r := range rules {
		if matchSelfOrParent(r.re, rel) {
			out = !r.negate
		}
	}
	return out
}

// exceptionBelow reports whether an exception's text begins with the
// ignored directory dir: only then is the directory looked into, as
// Docker and Buildah do. An exception that names it through a wildcard
// ("!*/keep") does not reach into an ignored directory.
func exceptionBelow(rules []ignoreRule, dir string) bool {
	for _, r := range rules {
		if r.negate && strings.HasPrefix(r.pattern+"/", dir+"/") {
			return true
		}
	}
	return false
}

func matchSelfOrParent(re *regexp.Regexp, rel string) bool {
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

// filteredContext copies the build context at dir into a new directory
// under tmpRoot, leaving out what the rules ignore. Files are copied,
// symlinks kept as links; the caller removes the copy.
func filteredContext(dir, tmpRoot string, rules []ignoreRule) (string, error) {
	out, err := os.MkdirTemp(tmpRoot, "build-context-")
	if err != nil {
		return "", fmt.Errorf("creating the build context copy: %w", err)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ignored(rules, rel) {
			if d.IsDir() && !exceptionBelow(rules, rel) {
				return filepath.SkipDir
			}
			// An ignored directory is still walked when an exception may
			// bring back something below it; it is made only for that.
			return nil
		}
		dst := filepath.Join(out, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, info.Mode().Perm()|0o700)
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case info.Mode().IsRegular():
			return copyFile(p, dst, info.Mode().Perm())
		}
		return nil // sockets, devices, fifos: not context material
	})
	if err != nil {
		os.RemoveAll(out)
		return "", fmt.Errorf("copying the build context: %w", err)
	}
	return out, nil
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
