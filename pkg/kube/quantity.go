package kube

import (
	"math"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
)

// suffixes are Kubernetes quantity suffixes and their multipliers.
var suffixes = []struct {
	s string
	m float64
}{
	{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"Pi", 1 << 50}, {"Ei", 1 << 60},
	{"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18},
	{"m", 1e-3},
}

// ParseQuantity reads a Kubernetes quantity ("128Mi", "1G", "500m", "2").
func ParseQuantity(q string) (float64, error) {
	s := strings.TrimSpace(q)
	mult := 1.0
	for _, sf := range suffixes {
		if strings.HasSuffix(s, sf.s) {
			s, mult = strings.TrimSuffix(s, sf.s), sf.m
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, define.Invalidf("invalid quantity %q", q)
	}
	if f*mult >= math.MaxInt64 {
		return 0, define.Invalidf("invalid quantity %q: too large", q)
	}
	return f * mult, nil
}

// FormatBytes writes a byte count in the largest binary unit that divides it.
func FormatBytes(n int64) string {
	for _, u := range []struct {
		s string
		m int64
	}{{"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}} {
		if n >= u.m && n%u.m == 0 {
			return strconv.FormatInt(n/u.m, 10) + u.s
		}
	}
	return strconv.FormatInt(n, 10)
}

// FormatCPUs writes a CPU count as millicores ("500m") or whole CPUs.
func FormatCPUs(cpus float64) string {
	milli := int64(math.Round(cpus * 1000))
	if milli%1000 == 0 {
		return strconv.FormatInt(milli/1000, 10)
	}
	return strconv.FormatInt(milli, 10) + "m"
}
