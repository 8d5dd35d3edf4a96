package image

import (
	"context"
	"path"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod/define"
)

// Entry is an image with the details List's filters and callers need.
type Entry struct {
	Image   *Image
	Details *Details
}

// filter decides whether an entry is listed.
type filter func(e *Entry) bool

// ListFiltered returns the images that pass every filter ("key=value": reference,
// dangling, label, before, since, id, readonly), newest first. Filters
// with the same key are alternatives; different keys must all match.
func (s *Service) ListFiltered(ctx context.Context, filters []string) ([]*Entry, error) {
	byKey, err := s.compileFilters(ctx, filters)
	if err != nil {
		return nil, err
	}
	imgs, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, img := range imgs {
		d, err := img.Details(ctx)
		if err != nil {
			return nil, err
		}
		e := &Entry{Image: img, Details: d}
		if matchAll(byKey, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func matchAll(byKey map[string][]filter, e *Entry) bool {
	for _, fs := range byKey {
		ok := false
		for _, f := range fs {
			if f(e) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// compileFilters parses filters; before and since look their image up.
func (s *Service) compileFilters(ctx context.Context, filters []string) (map[string][]filter, error) {
	out := map[string][]filter{}
	for _, raw := range filters {
		key, val, ok := strings.Cut(raw, "=")
		if !ok || val == "" && key != "label" {
			return nil, define.Invalidf("invalid filter %q: want key=value", raw)
		}
		var f filter
		switch key {
		case "reference":
			f = func(e *Entry) bool { return referenceMatch(val, e.Image.img.Names) }
		case "dangling", "readonly":
			b, err := parseBool(val)
			if err != nil {
				return nil, define.Invalidf("invalid filter %q: %v", raw, err)
			}
			if key == "dangling" {
				f = func(e *Entry) bool { return e.Image.Dangling() == b }
			} else {
				f = func(e *Entry) bool { return e.Image.ReadOnly() == b }
			}
		case "label":
			lk, lv, hasVal := strings.Cut(val, "=")
			if lk == "" {
				return nil, define.Invalidf("invalid filter %q: label needs a key", raw)
			}
			f = func(e *Entry) bool {
				v, ok := e.Details.Config.Config.Labels[lk]
				return ok && (!hasVal || v == lv)
			}
		case "before", "since", "after": // after is since's other name, as in Podman
			img, err := s.Lookup(val)
			if err != nil {
				return nil, err
			}
			d, err := img.Details(ctx)
			if err != nil {
				return nil, err
			}
			at := created(img, d)
			if key == "before" {
				f = func(e *Entry) bool { return created(e.Image, e.Details).Before(at) }
			} else {
				f = func(e *Entry) bool { return created(e.Image, e.Details).After(at) }
			}
		case "id":
			id := strings.TrimPrefix(val, "sha256:")
			f = func(e *Entry) bool { return strings.HasPrefix(e.Image.ID(), id) }
		default:
			return nil, define.Invalidf("invalid filter %q: unknown key %q", raw, key)
		}
		out[key] = append(out[key], f)
	}
	return out, nil
}

// Created returns when the image was built: its config's date, or when it
// was stored if the config has none.
func (e *Entry) Created() time.Time { return created(e.Image, e.Details) }

func created(img *Image, d *Details) time.Time {
	if d != nil && d.Config.Created != nil && !d.Config.Created.IsZero() {
		return *d.Config.Created
	}
	return img.StoredAt()
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, define.Invalidf("%q is not true or false", s)
}

// referenceMatch reports whether a glob pattern matches one of names, in
// full or in a shorter form: without the tag, or without leading path
// components ("busybox" matches "docker.io/library/busybox:latest").
func referenceMatch(pattern string, names []string) bool {
	for _, n := range names {
		for _, form := range nameForms(n) {
			if ok, _ := path.Match(pattern, form); ok {
				return true
			}
		}
	}
	return false
}

// nameForms lists the forms of a stored name that a reference filter may
// match: each suffix of its path, with and without the tag or digest.
func nameForms(n string) []string {
	repo, suffix, _ := splitName(n)
	var out []string
	for {
		out = append(out, repo+suffix, repo)
		i := strings.Index(repo, "/")
		if i < 0 {
			return out
		}
		repo = repo[i+1:]
	}
}
