package oci

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
)

// criuError is a line of `criu check`'s report of a problem.
var criuError = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Error \([^)]*\): (.*)$`) })

// CRIUCheck runs `criu check` and returns why CRIU cannot checkpoint
// processes on this host (its first error), or nil when it can.
func CRIUCheck(ctx context.Context) error {
	path, err := exec.LookPath("criu")
	if err != nil {
		return errors.New("criu is not installed (the criu package)")
	}
	out, err := exec.CommandContext(ctx, path, "check").CombinedOutput()
	if err == nil {
		return nil
	}
	for _, l := range strings.Split(string(out), "\n") {
		if m := criuError().FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			return fmt.Errorf("criu check: %s", m[1])
		}
	}
	if msg := strings.TrimSpace(string(out)); msg != "" {
		return fmt.Errorf("criu check: %s", msg)
	}
	return fmt.Errorf("criu check: %w", err)
}
