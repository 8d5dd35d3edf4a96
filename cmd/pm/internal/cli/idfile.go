package cli

import (
	"errors"
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// ReadIDFiles returns the IDs written in ID files (--cidfile of stop and
// rm, --pod-id-file of the pod verbs); what names the kind of file in
// errors. With ignore, a missing file is skipped, as a missing object is.
func ReadIDFiles(paths []string, what string, ignore bool) ([]string, error) {
	var ids []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			if ignore && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, define.Invalidf("reading %s: %v", what, err)
		}
		id := strings.TrimSpace(string(b))
		if id == "" {
			return nil, define.Invalidf("reading %s: %s is empty", what, p)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
