package oci

import (
	"errors"
	"strings"
	"testing"

	"github.com/pm-project/pm/libpod/define"
)

// TestClassifyCommandErr: each runtime's words for a command that is not
// there or cannot run map to the same exit codes.
func TestClassifyCommandErr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		msg  string
		code int // 0: not classified
	}{
		{`runc create: exec: "/no/such": stat /no/such: no such file or directory`, 127},
		{`runc exec: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH`, 127},
		{"crun: executable file `/no/such/cmd` not found in $PATH: No such file or directory", 127},
		{`runsc: failed to load /no/such/cmd: no such file or directory`, 127},
		{`runc exec: exec: "/etc": permission denied`, 126},
		{`runc: exec /etc: is a directory`, 126},
		{"crun: open executable: Operation not permitted", 126},
		{`runsc: executing command "/etc" in sandbox: failed to load /etc: permission denied`, 126},
		{"crun: cannot allocate memory", 0},
	}
	for _, tt := range tests {
		got, ok := ClassifyCommandErr(errors.New(tt.msg), "/etc")
		var ec *define.ExitCodeError
		switch {
		case tt.code == 0 && (ok || errors.As(got, &ec)):
			t.Errorf("%q classified as %v", tt.msg, got)
		case tt.code != 0 && (!ok || !errors.As(got, &ec) || ec.Code != tt.code):
			t.Errorf("%q: got %v (ok %v), want exit %d", tt.msg, got, ok, tt.code)
		case tt.code != 0 && !strings.Contains(got.Error(), "/etc"):
			t.Errorf("%q: %q does not name the command", tt.msg, got)
		}
	}
}
