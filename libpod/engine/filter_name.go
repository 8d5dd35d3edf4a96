package engine

import (
	"regexp"
	"strings"
)

// nameMatch is Podman's name= filter: val is an unanchored regular
// expression ("vol_1.+"); one that does not compile matches as a substring.
func nameMatch(name, val string) bool {
	re, err := regexp.Compile(val)
	if err != nil {
		return strings.Contains(name, val)
	}
	return re.MatchString(name)
}
