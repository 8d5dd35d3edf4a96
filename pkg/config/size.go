package config

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/pm-project/pm/libpod/define"
)

// Size is a number of bytes that containers.conf writes as a number or a
// string with a unit, as Podman does: 4750, "512k", "1m", "1g" (units of
// 1000; a trailing "b" or "ib" changes nothing).
type Size int64

var sizeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+(?:\.\d+)?) ?([kmgt]?)i?b?$`) })

// UnmarshalText reads a size; the TOML decoder hands it numbers as text.
func (s *Size) UnmarshalText(text []byte) error {
	m := sizeRE().FindStringSubmatch(strings.ToLower(strings.TrimSpace(string(text))))
	if m == nil {
		return define.Invalidf("invalid size %q: use a number of bytes or a number with b, k, m or g", text)
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return define.Invalidf("invalid size %q: %v", text, err)
	}
	n *= map[string]float64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}[m[2]]
	if n > 1<<62 {
		return define.Invalidf("invalid size %q: too large", text)
	}
	*s = Size(n)
	return nil
}
