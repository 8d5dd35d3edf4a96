package image

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/types"
)

// searchLimit is the number of results per registry when no limit is given.
const searchLimit = 25

// SearchOptions say how Search looks.
type SearchOptions struct {
	RegistryOptions
	// Registries are searched when the term names none (registries.conf's
	// unqualified-search-registries).
	Registries []string
	Limit      int  // results per registry; 0 means 25
	ListTags   bool // list the tags of the repository the term names
	Filter     SearchFilter
}

// SearchFilter keeps the results that match all of its conditions.
type SearchFilter struct {
	Stars                   int
	IsAutomated, IsOfficial types.OptionalBool
}

// ParseSearchFilter parses --filter values: stars=N, is-automated[=BOOL],
// is-official[=BOOL].
func ParseSearchFilter(filters []string) (SearchFilter, error) {
	var f SearchFilter
	for _, s := range filters {
		k, v, hasV := strings.Cut(s, "=")
		switch k {
		case "stars":
			n, err := strconv.Atoi(v)
			if !hasV || err != nil {
				return f, define.Invalidf("invalid filter %q: use stars=NUMBER", s)
			}
			f.Stars = n
		case "is-automated", "is-official":
			b := types.OptionalBoolTrue
			if hasV {
				x, err := strconv.ParseBool(v)
				if err != nil {
					return f, define.Invalidf("invalid filter %q: use %s=true or %s=false", s, k, k)
				}
				b = types.NewOptionalBool(x)
			}
			if k == "is-automated" {
				f.IsAutomated = b
			} else {
				f.IsOfficial = b
			}
		default:
			return f, define.Invalidf("invalid filter type %q: use stars, is-automated or is-official", s)
		}
	}
	return f, nil
}

func (f SearchFilter) matches(r docker.SearchResult) bool {
	match := func(want types.OptionalBool, is bool) bool {
		return want == types.OptionalBoolUndefined || (want == types.OptionalBoolTrue) == is
	}
	return r.StarCount >= f.Stars && match(f.IsAutomated, r.IsAutomated) && match(f.IsOfficial, r.IsOfficial)
}

// SearchResult is one repository (or, listing tags, one tag) found.
type SearchResult struct {
	Index       string // the registry
	Name        string // registry/repository
	Description string
	Stars       int
	Official    string // "[OK]" for an official image
	Automated   string // "[OK]" for an automated build
	Tag         string // listing tags only
}

// Search looks for repositories whose name contains term: in the registry
// the term starts with (REGISTRY/TERM; REGISTRY/ lists all), else in each
// of opts.Registries. A registry's v1 search API is used where it has one,
// else its v2 catalog, filtered. Results of the registries that answered
// are returned; only when none did is it an error.
func (s *Service) Search(ctx context.Context, term string, opts SearchOptions) ([]SearchResult, error) {
	if opts.Limit < 0 {
		return nil, define.Invalidf("invalid --limit %d: must not be negative", opts.Limit)
	}
	registries := opts.Registries
	if reg, rest, ok := strings.Cut(term, "/"); ok {
		registries, term = []string{reg}, rest
	}
	if len(registries) == 0 {
		return nil, define.Invalidf("no registry to search: name one in the term (REGISTRY/TERM) or set unqualified-search-registries in registries.conf")
	}
	limit := opts.Limit
	if limit == 0 {
		limit = searchLimit
	}
	sys := s.systemContext()
	opts.apply(sys)
	var out []SearchResult
	var errs []error
	for _, reg := range registries {
		var res []SearchResult
		var err error
		if opts.ListTags {
			res, err = searchTags(ctx, sys, reg, term, limit)
		} else {
			res, err = searchRegistry(ctx, sys, reg, term, limit, opts.Filter)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, res...)
	}
	if len(out) == 0 && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func searchRegistry(ctx context.Context, sys *types.SystemContext, reg, term string, limit int, filter SearchFilter) ([]SearchResult, error) {
	found, err := docker.SearchRegistry(ctx, sys, reg, term, limit)
	if err != nil {
		return nil, fmt.Errorf("searching registry %s: %w", reg, classify(err))
	}
	if len(found) > limit {
		found = found[:limit]
	}
	var out []SearchResult
	for _, r := range found {
		if !filter.matches(r) {
			continue
		}
		name := reg + "/" + r.Name
		if reg == "docker.io" && !strings.Contains(r.Name, "/") {
			name = "docker.io/library/" + r.Name
		}
		out = append(out, SearchResult{
			Index: reg, Name: name, Description: strings.ReplaceAll(r.Description, "\n", " "),
			Stars: r.StarCount, Official: okMark(r.IsOfficial), Automated: okMark(r.IsAutomated),
		})
	}
	return out, nil
}

func searchTags(ctx context.Context, sys *types.SystemContext, reg, term string, limit int) ([]SearchResult, error) {
	named, err := reference.ParseNormalizedNamed(reg + "/" + term)
	if err != nil {
		return nil, define.Invalidf("--list-tags needs an image name, not %q: %v", term, err)
	}
	if _, ok := named.(reference.Digested); ok {
		return nil, define.Invalidf("--list-tags needs an image name without a digest, not %q", term)
	}
	if _, ok := named.(reference.Tagged); ok {
		return nil, define.Invalidf("--list-tags needs an image name without a tag, not %q", term)
	}
	ref, err := docker.NewReference(reference.TagNameOnly(named))
	if err != nil {
		return nil, define.Invalidf("--list-tags needs an image name, not %q: %v", term, err)
	}
	tags, err := docker.GetRepositoryTags(ctx, sys, ref)
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", named.Name(), classify(err))
	}
	if len(tags) > limit {
		tags = tags[:limit]
	}
	out := make([]SearchResult, 0, len(tags))
	for _, t := range tags {
		out = append(out, SearchResult{Index: reg, Name: named.Name(), Tag: t})
	}
	return out, nil
}

func okMark(b bool) string {
	if b {
		return "[OK]"
	}
	return ""
}
