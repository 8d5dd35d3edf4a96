package cli

import (
	"os"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/rootless"
	"github.com/spf13/cobra"
)

// NeedUnshare refuses a mount command run rootless outside "pm unshare",
// as Podman does: the mount would exist only in pm's mount namespace, where
// the caller could not see it.
func NeedUnshare(cmd *cobra.Command) error {
	if rootless.IsRootless() && os.Getenv("_PM_UNSHARE") == "" {
		return define.Errorf(define.ErrUnsupported, "cannot run command %q in rootless mode, must execute `%s unshare` first", cmd.CommandPath(), cmd.Root().Name())
	}
	return nil
}
