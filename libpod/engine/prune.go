package engine

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/events"
)

// PruneReport is what one prune removed and the space that freed.
type PruneReport struct {
	// Removed holds the IDs (containers, images, build cache) or names
	// (volumes, networks) removed, in the order they went.
	Removed []string
	// Untagged holds the names the removed images had (image prune).
	Untagged []string
	// Reclaimed is the bytes the removed objects took on disk.
	Reclaimed uint64
}

// emitPrune records a finished prune of typ as Docker does: one event
// with no actor, after those of the objects removed, saying the bytes
// reclaimed.
func (e *Engine) emitPrune(typ string, rep *PruneReport) {
	e.emit(events.Event{Type: typ, Action: "prune",
		Attributes: map[string]string{"reclaimed": strconv.FormatUint(rep.Reclaimed, 10)}})
}

// pruneFilter is a prune's filters, parsed once: labels an object must
// have (all of them), labels it must not have (any one keeps it), the
// time it must be created before, and dangling for images.
type pruneFilter struct {
	labels    []string // key or key=value
	notLabels []string // key or key=value
	until     time.Time
	dangling  *bool
	ids       []string // ID prefixes, any one of them (build cache)
}

// parsePruneFilter reads filters (KEY=VALUE) for the prune of what,
// which accepts the keys in accepted: label, label!, until, dangling, id.
// An unknown key, a malformed value or a second until is an invalid
// argument worded as Docker words it ("invalid filter 'KEY'").
func parsePruneFilter(what string, filters []string, accepted ...string) (*pruneFilter, error) {
	f := &pruneFilter{}
	now := time.Now()
	for _, raw := range filters {
		k, v, ok := strings.Cut(raw, "=")
		known := false
		for _, a := range accepted {
			known = known || a == k
		}
		if !known {
			return nil, define.Invalidf("invalid filter '%s': %s prune filters by %s", k, what, strings.Join(accepted, ", "))
		}
		if !ok {
			return nil, define.Invalidf("invalid filter '%s': use %s=VALUE", raw, k)
		}
		switch k {
		case "label", "label!":
			if lk, _, _ := strings.Cut(v, "="); lk == "" {
				return nil, define.Invalidf("invalid filter '%s': %s needs a label key", raw, k)
			}
			if k == "label" {
				f.labels = append(f.labels, v)
			} else {
				f.notLabels = append(f.notLabels, v)
			}
		case "until":
			if !f.until.IsZero() {
				return nil, define.Invalidf("more than one until filter specified")
			}
			t, err := ParseTime(v, now)
			if err != nil {
				return nil, define.Invalidf("invalid value for 'until' filter %q: %v", v, err)
			}
			f.until = t
		case "id":
			f.ids = append(f.ids, strings.TrimPrefix(v, "sha256:"))
		case "dangling":
			var b bool
			switch strings.ToLower(v) {
			case "true", "1":
				b = true
			case "false", "0":
			default:
				return nil, define.Invalidf("invalid filter 'dangling=%s': use true or false", v)
			}
			if f.dangling != nil && *f.dangling != b {
				return nil, define.Invalidf("invalid filter 'dangling': given both true and false")
			}
			f.dangling = &b
		}
	}
	return f, nil
}

// match reports whether the object id with labels, created at created,
// passes the id, label, label! and until filters.
func (f *pruneFilter) match(id string, labels map[string]string, created time.Time) bool {
	if !f.until.IsZero() && !created.Before(f.until) {
		return false
	}
	if len(f.ids) > 0 && !slices.ContainsFunc(f.ids, func(p string) bool { return strings.HasPrefix(id, p) }) {
		return false
	}
	for _, l := range f.labels {
		if !labelMatch(labels, l) {
			return false
		}
	}
	for _, l := range f.notLabels {
		if labelMatch(labels, l) {
			return false
		}
	}
	return true
}
