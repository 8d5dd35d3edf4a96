package libpod

import "fmt"

// decimalSize formats n bytes as Podman's inspect does for a log size
// limit: four significant digits and a decimal unit without a space
// ("9.057MB").
func decimalSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	f, i := float64(n), 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.4g%s", f, units[i])
}
