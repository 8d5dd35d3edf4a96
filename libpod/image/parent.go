package image

import (
	"context"
	"errors"
	"slices"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pm-project/pm/libpod/define"
)

// isParent reports whether child was built on p: p's layers are child's
// without its top one (the same layers, when child's last step made none)
// and child's history goes on from p's.
func (s *Service) isParent(ctx context.Context, p, child *Image) bool {
	top := child.img.TopLayer
	if p.ID() == child.ID() || top == "" || p.img.TopLayer == "" {
		return false
	}
	below := ""
	if l, err := s.store.Layer(top); err == nil {
		below = l.Parent
	}
	if p.img.TopLayer != below && p.img.TopLayer != top {
		return false
	}
	cd, err := child.Details(ctx)
	if err != nil {
		return false
	}
	pd, err := p.Details(ctx)
	if err != nil {
		return false
	}
	ch, ph := cd.Config.History, pd.Config.History
	if len(ph) >= len(ch) || (p.img.TopLayer == top && !ch[len(ch)-1].EmptyLayer) {
		return false
	}
	return slices.EqualFunc(ph, ch[:len(ph)], func(a, b imgspecv1.History) bool {
		return a.CreatedBy == b.CreatedBy && a.Comment == b.Comment && a.EmptyLayer == b.EmptyLayer
	})
}

// parentOf returns the image of all that child was built on, or nil.
func (s *Service) parentOf(ctx context.Context, child *Image, all []*Image) *Image {
	for _, p := range all {
		if s.isParent(ctx, p, child) {
			return p
		}
	}
	return nil
}

// deleteDanglingParents deletes, once an image is gone, the images it was
// built on (parent first, then its parent...) while each is dangling: no
// name, no other image built on it, no container. A build's intermediate
// images so go with the image they made, as with Podman's rmi.
func (s *Service) deleteDanglingParents(ctx context.Context, parent *Image, rep *RemoveReport) error {
	for p := parent; p != nil && p.Dangling() && !p.ReadOnly(); {
		all, err := s.List(ctx)
		if err != nil {
			return err
		}
		for _, o := range all {
			if s.isParent(ctx, p, o) {
				return nil
			}
		}
		next := s.parentOf(ctx, p, all)
		if err := s.delete(p, rep); err != nil {
			if errors.Is(err, define.ErrImageInUse) {
				return nil
			}
			return err
		}
		p = next
	}
	return nil
}
