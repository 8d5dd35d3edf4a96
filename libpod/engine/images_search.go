package engine

import (
	"context"

	"github.com/pm-project/pm/libpod/image"
)

// ImageSearchRequest says what ImageSearch looks for where.
type ImageSearchRequest struct {
	RegistryAuth
	Term     string   // [REGISTRY/]TERM
	Limit    int      // results per registry; 0 means 25
	ListTags bool     // the tags of the repository Term names
	Filters  []string // stars=N, is-automated, is-official
}

// ImageSearchResult is one repository (or tag) found.
type ImageSearchResult = image.SearchResult

// ImageSearch searches registries for repositories. It opens no storage.
func (e *Engine) ImageSearch(ctx context.Context, req ImageSearchRequest) ([]ImageSearchResult, error) {
	filter, err := image.ParseSearchFilter(req.Filters)
	if err != nil {
		return nil, err
	}
	svc, err := e.rt.Registries()
	if err != nil {
		return nil, err
	}
	regs, err := e.rt.SearchRegistries()
	if err != nil {
		return nil, err
	}
	return svc.Search(ctx, req.Term, image.SearchOptions{
		RegistryOptions: req.RegistryAuth.options(),
		Registries:      regs,
		Limit:           req.Limit,
		ListTags:        req.ListTags,
		Filter:          filter,
	})
}

// SearchRegistries returns registries.conf's unqualified-search
// registries, in order. It opens no storage.
func (e *Engine) SearchRegistries() ([]string, error) { return e.rt.SearchRegistries() }
