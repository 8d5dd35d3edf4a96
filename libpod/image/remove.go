package image

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker/reference"
)

// RemoveOptions say how Remove treats its images.
type RemoveOptions struct {
	Force  bool // remove an image named by ID even when it has several names
	All    bool // remove every image
	Ignore bool // a missing image is not an error
	// NoPrune keeps the dangling images a removed image was built on.
	NoPrune bool
}

// RemoveReport lists what Remove did, in order.
type RemoveReport struct {
	Untagged []string // names removed
	// UntaggedFrom holds the ID of the image each name of Untagged was
	// removed from, at the same index.
	UntaggedFrom []string
	Deleted      []string // IDs of images deleted
}

// Remove removes the images named by names (or every image with All). An
// image named by one of several names only loses that name; one named by ID
// with several names needs Force. An image used by a container is kept.
// The dangling images a removed image was built on go with it, unless
// NoPrune.
// Remove goes on past a failing image and returns all errors joined.
func (s *Service) Remove(ctx context.Context, names []string, opts RemoveOptions) (*RemoveReport, error) {
	rep := &RemoveReport{}
	var errs []error
	if opts.All {
		imgs, err := s.List(ctx)
		if err != nil {
			return rep, err
		}
		for _, img := range imgs {
			if err := s.delete(img, rep); err != nil {
				errs = append(errs, err)
			}
		}
		return rep, errors.Join(errs...)
	}
	for _, name := range names {
		img, matched, err := s.lookup(name)
		if err != nil {
			if opts.Ignore && errors.Is(err, define.ErrNoSuchImage) {
				continue
			}
			errs = append(errs, err)
			continue
		}
		if !slices.Contains(img.img.Names, matched) {
			// Found by a digest it has but no name of it: the digest
			// names the whole image, as an ID does.
			matched = ""
		}
		if matched != "" && len(img.img.Names) > 1 {
			if err := s.store.RemoveNames(img.ID(), []string{matched}); err != nil {
				errs = append(errs, fmt.Errorf("untagging %s: %w", matched, err))
				continue
			}
			rep.untagged(img.ID(), matched)
			continue
		}
		if matched == "" && len(img.img.Names) > 1 && !opts.Force {
			errs = append(errs, define.Errorf(define.ErrConflict,
				"unable to delete image %q by ID with more than one tag (%s): please force removal",
				name, strings.Join(img.img.Names, ", ")))
			continue
		}
		var parent *Image
		if all, err := s.List(ctx); err == nil && !opts.NoPrune {
			parent = s.parentOf(ctx, img, all)
		}
		if err := s.delete(img, rep); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.deleteDanglingParents(ctx, parent, rep); err != nil {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
}

func (rep *RemoveReport) untagged(id string, names ...string) {
	for _, n := range names {
		rep.Untagged = append(rep.Untagged, n)
		rep.UntaggedFrom = append(rep.UntaggedFrom, id)
	}
}

// delete removes img with all its names, unless a container uses it.
func (s *Service) delete(img *Image, rep *RemoveReport) error {
	if img.ReadOnly() {
		return define.Errorf(define.ErrPermission, "image %s is in a read-only store", short(img.ID()))
	}
	ctrs, err := img.Containers()
	if err != nil {
		return err
	}
	if len(ctrs) > 0 {
		return define.Errorf(define.ErrImageInUse, "image %s is in use by container %s: remove the container first",
			short(img.ID()), short(ctrs[0]))
	}
	if _, err := s.store.DeleteImage(img.ID(), true); err != nil {
		return fmt.Errorf("removing image %s: %w", short(img.ID()), err)
	}
	rep.untagged(img.ID(), img.img.Names...)
	rep.Deleted = append(rep.Deleted, img.ID())
	return nil
}

// Tag adds the names targets to the image named by name. A name another
// image had moves to this one.
func (s *Service) Tag(ctx context.Context, name string, targets []string) error {
	img, err := s.Lookup(name)
	if err != nil {
		return err
	}
	var add []string
	for _, t := range targets {
		nt, err := normalizeTag(t)
		if err != nil {
			return err
		}
		add = append(add, nt.String())
	}
	if err := s.store.AddNames(img.ID(), add); err != nil {
		return fmt.Errorf("tagging image %s: %w", short(img.ID()), err)
	}
	return nil
}

// Untag removes the names targets from the image named by name, or all its
// names when targets is empty. A name the image does not have is an error.
func (s *Service) Untag(ctx context.Context, name string, targets []string) ([]string, error) {
	img, err := s.Lookup(name)
	if err != nil {
		return nil, err
	}
	remove := img.Names()
	if len(targets) > 0 {
		remove = nil
		for _, t := range targets {
			n, err := storedName(t)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(img.img.Names, n) {
				return nil, define.Errorf(define.ErrNotFound, "%s: tag not known", t)
			}
			remove = append(remove, n)
		}
	}
	if len(remove) == 0 {
		return nil, nil
	}
	if err := s.store.RemoveNames(img.ID(), remove); err != nil {
		return nil, fmt.Errorf("untagging image %s: %w", short(img.ID()), err)
	}
	return remove, nil
}

// storedName is the name storage keeps for a user's image name: NormalizeName's,
// except that NAME:TAG@DIGEST is stored as NAME@DIGEST (a pull by digest
// names the image by its digest; the tag says nothing more).
func storedName(name string) (string, error) {
	n, err := NormalizeName(name)
	if err != nil {
		return "", err
	}
	if d, ok := n.(reference.Digested); ok {
		return n.Name() + "@" + d.Digest().String(), nil
	}
	return n.String(), nil
}

// PruneOptions say which images Prune removes.
type PruneOptions struct {
	All bool // every unused image, not only dangling ones
	// Match, when set, must accept an image for it to go.
	Match func(*Entry) bool
}

// PruneReport is what Prune removed.
type PruneReport struct {
	Deleted   []string // IDs of the images removed
	Untagged  []string // the names they had
	Reclaimed uint64   // bytes of the layers removed with them
}

// Prune removes dangling images (with All, every image) that no container
// uses and that opts.Match accepts. Layers other images share stay, and
// are not counted as reclaimed.
func (s *Service) Prune(ctx context.Context, opts PruneOptions) (*PruneReport, error) {
	imgs, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	ctrs, err := s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing containers: %w", err)
	}
	used := map[string]bool{}
	for _, c := range ctrs {
		used[c.ImageID] = true
	}
	rep := &PruneReport{}
	var errs []error
	for _, img := range imgs {
		if used[img.ID()] || img.ReadOnly() || (!opts.All && !img.Dangling()) {
			continue
		}
		if opts.Match != nil {
			d, err := img.Details(ctx)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if !opts.Match(&Entry{Image: img, Details: d}) {
				continue
			}
		}
		// What would go with the image, measured before it goes.
		var size uint64
		if layers, err := s.store.DeleteImage(img.ID(), false); err == nil {
			for _, l := range layers {
				n, err := s.store.LayerSize(l)
				if err != nil || n < 0 {
					n, err = s.store.DiffSize("", l)
				}
				if err == nil && n > 0 {
					size += uint64(n)
				}
			}
		}
		if _, err := s.store.DeleteImage(img.ID(), true); err != nil {
			errs = append(errs, fmt.Errorf("removing image %s: %w", short(img.ID()), err))
			continue
		}
		rep.Deleted = append(rep.Deleted, img.ID())
		rep.Untagged = append(rep.Untagged, img.Names()...)
		rep.Reclaimed += size
	}
	return rep, errors.Join(errs...)
}

// Exists reports whether name resolves to a local image.
func (s *Service) Exists(name string) (bool, error) {
	_, err := s.Lookup(name)
	if errors.Is(err, define.ErrNoSuchImage) {
		return false, nil
	}
	return err == nil, err
}
