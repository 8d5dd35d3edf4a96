package format

import (
	"fmt"
	"strings"
)

// HumanSize formats bytes as Podman does: three significant digits and
// decimal units with a space, "4.56 MB".
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	s := fmt.Sprintf("%.3g", f)
	if strings.Contains(s, "e+") && i < len(units)-1 { // 999.6 rounds to 1e+03
		f /= 1000
		i++
		s = fmt.Sprintf("%.3g", f)
	}
	return s + " " + units[i]
}
