package containers

import (
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/spf13/cobra"
)

func init() {
	verbs = append(verbs, verb{Make: newUnpauseCommand, Sub: "unpause", Top: "unpause"})
}

func newUnpauseCommand(name string) *cobra.Command {
	return pauseCommand(name, "Unpause the processes in one or more containers", "Unpause all paused containers",
		define.StatusPaused, (*engine.Engine).ContainerUnpause)
}
