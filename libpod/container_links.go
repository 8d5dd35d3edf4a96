package libpod

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// linkHosts are the /etc/hosts lines of c's legacy links (Docker's
// Links, ID:ALIAS): each linked container at its address on a bridge
// network both are on, as ALIAS, its name and its short ID. A linked
// container that is gone or not running is an error, as in Docker.
func (r *Runtime) linkHosts(ctx context.Context, c *Container) ([]byte, error) {
	var b bytes.Buffer
	for _, l := range c.Config.Names.Links {
		id, alias, _ := strings.Cut(l, ":")
		lc, err := r.getContainer(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("linked container %s of %s: %w", id, c.Name(), err)
		}
		st := lc.State.Network
		if lc.State.Status != define.StatusRunning || st == nil {
			return nil, define.Errorf(define.ErrInvalidState, "Cannot link to a non running container: /%s AS /%s/%s", lc.Name(), c.Name(), alias)
		}
		ip := ""
		for n := range c.Config.Networks {
			if a, ok := st.Networks[n]; ok && a.IP != "" {
				ip = a.IP
				break
			}
		}
		if ip == "" {
			return nil, define.Errorf(define.ErrInvalidState, "cannot link to %s: it has no address on a network %s is on", lc.Name(), c.Name())
		}
		names := alias
		if lc.Name() != alias {
			names += " " + lc.Name()
		}
		fmt.Fprintf(&b, "%s\t%s %s\n", ip, names, lc.ID()[:12])
	}
	return b.Bytes(), nil
}
