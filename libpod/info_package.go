package libpod

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// dpkgDir is where dpkg keeps its database.
const dpkgDir = "/var/lib/dpkg"

// unknownPackage is what info says of a binary no package owns, as Podman.
const unknownPackage = "Unknown"

// packageOf names the Debian package that installed the binary at path, as
// Podman's info does: "conmon_2.1.6+ds1-1_amd64". Asking dpkg which
// package owns a path scans every package's file list, so pm only checks
// the package named as the binary (conmon, runc, crun, ...), which is
// where Debian ships them; anything else is "Unknown".
func packageOf(path string) string {
	if path == "" {
		return ""
	}
	return dpkgPackageOf(dpkgDir, path)
}

func dpkgPackageOf(dir, path string) string {
	name := filepath.Base(path)
	paths := []string{path}
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		paths = append(paths, real)
	}
	status, err := os.ReadFile(filepath.Join(dir, "status"))
	if err != nil {
		return unknownPackage
	}
	pkg, ok := dpkgStanza(status, name)
	if !ok || pkg["Version"] == "" {
		return unknownPackage
	}
	list := filepath.Join(dir, "info", name+".list")
	if _, err := os.Stat(list); err != nil && pkg["Architecture"] != "" {
		list = filepath.Join(dir, "info", name+":"+pkg["Architecture"]+".list")
	}
	if !listHas(list, paths) {
		return unknownPackage
	}
	return name + "_" + pkg["Version"] + "_" + pkg["Architecture"]
}

// dpkgStanza returns the fields of the installed package name in a dpkg
// status file. Only the stanzas of that package are parsed: the file
// holds every package of the system.
func dpkgStanza(status []byte, name string) (map[string]string, bool) {
	key := []byte("Package: " + name + "\n")
	for rest, off := status, 0; ; {
		i := bytes.Index(rest, key)
		if i < 0 {
			return nil, false
		}
		start := off + i
		rest, off = rest[i+len(key):], start+len(key)
		if start > 0 && status[start-1] != '\n' {
			continue // "Package: " inside another field's text
		}
		stanza := status[start:]
		if end := bytes.Index(stanza, []byte("\n\n")); end >= 0 {
			stanza = stanza[:end]
		}
		fields := map[string]string{}
		for _, line := range strings.Split(string(stanza), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, " ") {
				fields[k] = strings.TrimSpace(v)
			}
		}
		if strings.HasSuffix(fields["Status"], " installed") {
			return fields, true
		}
	}
}

// listHas reports whether a dpkg file list names one of paths.
func listHas(list string, paths []string) bool {
	f, err := os.Open(list)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for _, p := range paths {
			if sc.Text() == p {
				return true
			}
		}
	}
	return false
}
