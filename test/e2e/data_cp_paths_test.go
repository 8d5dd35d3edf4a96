package e2e

import (
	"os"
	"strings"
	"testing"
)

// TestCpWorkDirAndCompressedStream: relative container paths are relative
// to the container's working directory; `cp -` takes gzip-compressed tar.
func TestCpWorkDirAndCompressedStream(t *testing.T) {
	env := ctrEnv(t)
	env.runID("--name", "wd", "--workdir", "/var/www", "busybox", "sleep", "100")
	f := env.Path("note.txt")
	if err := os.WriteFile(f, []byte("relative\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env.Exec("chmod", "-R", "a+rX", env.Dir)
	env.PMOK("cp", f, "wd:.")
	if out := env.PMOK("exec", "wd", "cat", "/var/www/note.txt").Stdout; out != "relative\n" {
		t.Errorf("cp HOST ctr:. landed elsewhere: %q", out)
	}
	env.PMOK("cp", f, "wd:sub.txt")
	env.PMOK("exec", "wd", "test", "-f", "/var/www/sub.txt")
	back := env.Path("back.txt")
	env.PMOK("cp", "wd:note.txt", back)
	if b, err := os.ReadFile(back); err != nil || string(b) != "relative\n" {
		t.Errorf("cp ctr:RELATIVE HOST: %q, %v", b, err)
	}

	tgz := env.Path("a.tar.gz")
	env.Exec("sh", "-c", "cd "+env.Dir+" && tar czf a.tar.gz note.txt && chmod a+r a.tar.gz")
	in, err := os.Open(tgz)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if res := env.PMStdin(in, "cp", "-", "wd:/tmp"); res.Code != 0 {
		t.Fatalf("cp - of a tar.gz: %s", res)
	}
	if out := env.PMOK("exec", "wd", "cat", "/tmp/note.txt").Stdout; !strings.Contains(out, "relative") {
		t.Errorf("cp - of a tar.gz: %q", out)
	}
}
