package native

import (
	"fmt"
	"strings"
)

func errNoSuch(kind, name string) error { return fmt.Errorf("no such %s: %s", kind, name) }

func cutSuffix(s, suffix string) (string, bool) { return strings.CutSuffix(s, suffix) }
