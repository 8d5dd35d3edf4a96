package e2e

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// expectStderr checks a failed command's exit code and that stderr, as a
// whole, matches the regular expression re (Podman's tests compare whole
// messages).
func expectStderr(t *testing.T, res Result, code int, re string) {
	t.Helper()
	if res.Code != code {
		t.Errorf("pm %s: exit %d, want %d\nstderr: %s", shellJoin(res.Args), res.Code, code, res.Stderr)
	}
	if !regexp.MustCompile(`^(?:` + re + `)$`).MatchString(strings.TrimSuffix(res.Stderr, "\n")) {
		t.Errorf("pm %s: stderr %q does not match %q", shellJoin(res.Args), res.Stderr, re)
	}
	if res.Stdout != "" {
		t.Errorf("pm %s: stdout not empty: %q", shellJoin(res.Args), res.Stdout)
	}
}

// userDir makes a directory in the environment that its user owns.
func (e *Env) userDir(name string) string {
	e.t.Helper()
	d := e.Path(name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		e.t.Fatal(err)
	}
	if isRoot {
		os.Chown(d, e.User.UID, e.User.GID)
	}
	return d
}

// TestCpPodmanMessages checks cp's errors word for word, as Podman's
// system tests compare them.
func TestCpPodmanMessages(t *testing.T) {
	env := ctrEnv(t)
	src := env.userDir("src")
	os.WriteFile(filepath.Join(src, "f"), []byte("f\n"), 0o644)
	env.PMOK("run", "-d", "--name", "c", "busybox", "sh", "-c", "echo hi > /tmp/file.txt; touch /tmp/plain; sleep 300")

	expectStderr(t, env.PM("cp", src, "c:/etc/passwd"), 125, `Error: destination must be a directory when copying a directory`)
	host := env.Path("plain")
	os.WriteFile(host, nil, 0o644)
	expectStderr(t, env.PM("cp", "c:/etc/", host), 125, `Error: destination must be a directory when copying a directory`)

	expectStderr(t, env.PMStdin(strings.NewReader("this is not a tar archive\n"), "cp", "-", "c:/tmp"), 125,
		`Error: source must be a \(compressed\) tar archive when copying from stdin`)
	archive := craftTar(t, []tar.Header{{Name: "x", Typeflag: tar.TypeReg, Mode: 0o644}})
	expectStderr(t, env.PMStdin(bytes.NewReader(archive), "cp", "-", "c:/tmp/plain"), 125,
		`Error: destination must be a directory when copying from stdin`)
	expectStderr(t, env.PMStdin(bytes.NewReader(archive), "cp", "-", "c:/tmp/IdoNotExist"), 125,
		`Error: destination must be a directory when copying from stdin`)

	// Only "-" is the standard output; /dev/stdout (a pipe) is refused and
	// no file is made for it.
	expectStderr(t, env.PM("cp", "c:/tmp/file.txt", "/dev/stdout"), 125,
		`Error: invalid destination: "/dev/stdout" must be a directory or a regular file`)

	expectStderr(t, env.PM("cp", src+"/f", "c:/IdoNotExist/"), 125,
		`Error: "/IdoNotExist/" could not be found on container c: no such file or directory`)

	// A symlink to a glob in the workdir (/) is not expanded.
	out := env.userDir("out")
	env.PMOK("exec", "c", "sh", "-c", "cd / && ln -s "+src+"/f file1 && ln -s 'file*' copyme")
	expectStderr(t, env.PM("cp", "c:copyme", out), 125, `Error: "copyme*" could not be found on container .*`)
	expectStderr(t, env.PM("cp", "c:/tmp/*", out), 125, `Error: "/tmp/\*" could not be found on container .*`)
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("failed cp left files in %s: %v", out, ents)
	}
}

// TestCpOverwriteMessages: replacing a directory by a file or the reverse
// needs --overwrite, and the error ends in "file exists" as Podman's.
func TestCpOverwriteMessages(t *testing.T) {
	env := ctrEnv(t)
	env.PMOK("run", "-d", "--name", "ctr-file", "busybox", "sh", "-c", "echo file > /tmp/foo; sleep 300")
	env.PMOK("run", "-d", "--name", "ctr-dir", "busybox", "sh", "-c", "mkdir /tmp/foo; echo dir > /tmp/foo/file.txt; sleep 300")
	expectStderr(t, env.PM("cp", "ctr-file:/tmp/foo", "ctr-dir:/tmp"), 125, `Error: .* error creating "/tmp/foo": .*: file exists`)
	env.PMOK("cp", "--overwrite", "ctr-file:/tmp/foo", "ctr-dir:/tmp")
	if got := env.PMOK("exec", "ctr-dir", "cat", "/tmp/foo").Stdout; got != "file\n" {
		t.Errorf("cp --overwrite of a directory by a file: %q", got)
	}
	hostdir := env.userDir("cp-test")
	env.userDir("cp-test/foo")
	expectStderr(t, env.PM("cp", "ctr-file:/tmp/foo", hostdir), 125, `Error: .* error creating "/foo": .*: file exists`)
	env.PMOK("cp", "--overwrite", "ctr-file:/tmp/foo", hostdir)
	if b, _ := os.ReadFile(filepath.Join(hostdir, "foo")); string(b) != "file\n" {
		t.Errorf("cp --overwrite to the host: %q", b)
	}
}

// TestCpKeepIDOwner: files copied into a --userns=keep-id container belong
// to its user as the container sees it, or keep the archive's ids with
// -a=false.
func TestCpKeepIDOwner(t *testing.T) {
	env := ctrEnv(t)
	uid := fmt.Sprint(env.User.UID)
	f := env.Path("hostfile")
	os.WriteFile(f, []byte("content\n"), 0o644)
	env.PMOK("run", "-d", "--name", "k", "--userns=keep-id", "--user="+uid, "busybox", "sleep", "300")
	env.PMOK("cp", f, "k:/tmp/hostfile")
	if got := strings.TrimSpace(env.PMOK("exec", "k", "stat", "-c", "%u", "/tmp/hostfile").Stdout); got != uid {
		t.Errorf("owner of a file copied into a keep-id container: %s, want %s", got, uid)
	}
	archive := craftTar(t, []tar.Header{{Name: "a.txt", Typeflag: tar.TypeReg, Mode: 0o644, Uid: 1042, Gid: 1043}})
	if res := env.PMStdin(bytes.NewReader(archive), "cp", "-a=false", "-", "k:/tmp/"); res.Code != 0 {
		t.Fatalf("cp -a=false -: %s", res)
	}
	if got := strings.TrimSpace(env.PMOK("exec", "k", "stat", "-c", "%u:%g", "/tmp/a.txt").Stdout); got != "1042:1043" {
		t.Errorf("cp -a=false into a keep-id container: %s, want 1042:1043", got)
	}
}

// TestCpIntoMounts: a running container's tmpfs and volume mounts get the
// files where the container sees them; a created one's tmpfs gets the
// rootfs content copied up at start.
func TestCpIntoMounts(t *testing.T) {
	env := ctrEnv(t)
	f := env.Path("file")
	os.WriteFile(f, []byte("tmpfile-content\n"), 0o644)
	env.PMOK("run", "-d", "--name", "t", "--mount", "type=tmpfs,dst=/tmp", "-v", "cpmnt:/vol", "busybox", "sleep", "300")
	env.PMOK("cp", f, "t:/tmp")
	env.PMOK("cp", f, "t:/vol/")
	env.PMOK("cp", f, "t:/")
	env.PMOK("exec", "t", "test", "-f", "/file")
	if got := env.PMOK("exec", "t", "cat", "/tmp/file", "/vol/file").Stdout; got != "tmpfile-content\ntmpfile-content\n" {
		t.Errorf("cp into a running container's tmpfs and volume: %q", got)
	}
	// And out again, from the tmpfs.
	out := env.userDir("out")
	env.PMOK("exec", "t", "sh", "-c", "echo inside > /tmp/only-in-tmpfs")
	env.PMOK("cp", "t:/tmp/only-in-tmpfs", out)
	if b, _ := os.ReadFile(filepath.Join(out, "only-in-tmpfs")); string(b) != "inside\n" {
		t.Errorf("cp out of a running container's tmpfs: %q", b)
	}
	env.PMOK("rm", "-f", "-t", "0", "t")

	env.PMOK("create", "--name", "t2", "--mount", "type=tmpfs,dst=/tmp", "busybox", "sleep", "300")
	env.PMOK("cp", f, "t2:/tmp")
	env.PMOK("start", "t2")
	if got := env.PMOK("exec", "t2", "cat", "/tmp/file").Stdout; got != "tmpfile-content\n" {
		t.Errorf("cp into a created container's tmpfs (copy-up): %q", got)
	}
	env.PMOK("rm", "-f", "-t", "0", "t2")
	env.PMOK("volume", "rm", "cpmnt")
}
