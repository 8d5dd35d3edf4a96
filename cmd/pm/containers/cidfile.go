package containers

import (
	"errors"
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// readCIDFiles returns the container IDs written in the --cidfile files
// of stop and rm. With ignore, a missing file is skipped, as a missing
// container is.
func readCIDFiles(paths []string, ignore bool) ([]string, error) {
	var ids []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			if ignore && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, define.Invalidf("reading CIDFile: %v", err)
		}
		id := strings.TrimSpace(string(b))
		if id == "" {
			return nil, define.Invalidf("reading CIDFile: %s is empty", p)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
