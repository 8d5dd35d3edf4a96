package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"go.podman.io/image/v5/manifest"
)

// ManifestAnnotation is what manifest add and annotate record for an
// instance: its platform and annotations; empty fields change nothing.
type ManifestAnnotation struct {
	OS, Arch, Variant, OSVersion string
	OSFeatures                   []string
	Annotations                  []string // KEY=VALUE
}

func (a ManifestAnnotation) annotation() (image.Annotation, error) {
	out := image.Annotation{OS: a.OS, Arch: a.Arch, Variant: a.Variant, OSVersion: a.OSVersion, OSFeatures: a.OSFeatures}
	for _, kv := range a.Annotations {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return out, define.Invalidf("no value given for annotation %q", kv)
		}
		if out.Annotations == nil {
			out.Annotations = map[string]string{}
		}
		out.Annotations[k] = v
	}
	return out, nil
}

// ManifestCreateRequest says what list ManifestCreate makes.
type ManifestCreateRequest struct {
	RegistryAuth
	Name   string
	Images []string // added to the new list
	All    bool     // add all images of the images that are lists
	Amend  bool     // add to an existing list of that name instead of failing
}

// ManifestCreate makes a manifest list and adds images to it; it returns
// the list's ID. A list it made is removed again when an image cannot be
// added.
func (e *Engine) ManifestCreate(ctx context.Context, req ManifestCreateRequest) (_ string, retErr error) {
	if req.Name == "" {
		return "", define.Invalidf("no name specified for creating a manifest list")
	}
	svc, err := e.rt.Images()
	if err != nil {
		return "", err
	}
	l, err := svc.CreateList(ctx, req.Name)
	switch {
	case err == nil:
		defer func() {
			if retErr != nil {
				_, _ = svc.Remove(context.WithoutCancel(ctx), []string{l.ID()}, image.RemoveOptions{Force: true})
			}
		}()
	case req.Amend && errors.Is(err, define.ErrConflict):
		if l, err = svc.LookupList(req.Name); err != nil {
			return "", err
		}
	default:
		return "", err
	}
	if len(req.Images) == 0 {
		return l.ID(), nil
	}
	return e.ManifestAdd(ctx, ManifestAddRequest{RegistryAuth: req.RegistryAuth, List: l.ID(), Images: req.Images, All: req.All})
}

// ManifestAddRequest says which images ManifestAdd adds to which list.
type ManifestAddRequest struct {
	RegistryAuth
	List   string
	Images []string
	All    bool // all images of an image that is a list
	ManifestAnnotation
}

// ManifestAdd adds images to a list and returns the list's ID.
func (e *Engine) ManifestAdd(ctx context.Context, req ManifestAddRequest) (string, error) {
	if len(req.Images) == 0 {
		return "", define.Invalidf("manifest add requires at least one image")
	}
	a, err := req.annotation()
	if err != nil {
		return "", err
	}
	return e.withList(ctx, req.List, func(svc *image.Service, l *image.List) error {
		for _, img := range req.Images {
			if _, err := svc.AddToList(ctx, l, img, image.AddOptions{RegistryOptions: req.RegistryAuth.options(), All: req.All, Annotation: a}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ManifestAnnotate changes what a list records for its instance with digest
// d, and returns the list's ID.
func (e *Engine) ManifestAnnotate(ctx context.Context, list, d string, a ManifestAnnotation) (string, error) {
	dg, err := digest.Parse(d)
	if err != nil {
		return "", define.Invalidf(`invalid image digest "%s": %v`, d, err)
	}
	ann, err := a.annotation()
	if err != nil {
		return "", err
	}
	return e.withList(ctx, list, func(_ *image.Service, l *image.List) error { return l.AnnotateInstance(dg, ann) })
}

// ManifestRemove drops the instance with digest d from a list, and returns
// the list's ID.
func (e *Engine) ManifestRemove(ctx context.Context, list, d string) (string, error) {
	dg, err := digest.Parse(d)
	if err != nil {
		return "", define.Invalidf(`invalid image digest "%s": %v`, d, err)
	}
	return e.withList(ctx, list, func(_ *image.Service, l *image.List) error { return l.RemoveInstance(dg) })
}

// withList runs change on the list named list, under the list's lock
// (two pm adding to one list must not lose an instance), and returns the
// list's ID.
func (e *Engine) withList(ctx context.Context, list string, change func(*image.Service, *image.List) error) (string, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return "", err
	}
	l, err := svc.LookupList(list)
	if err != nil {
		return "", err
	}
	id := l.ID()
	lk, err := e.rt.Locks().Lock(ctx, "manifest-"+id)
	if err != nil {
		return "", err
	}
	// The lock file goes when the change is made: lists are changed
	// seldom, and a waiter takes a new file (see libpod/lock).
	defer func() {
		if err := lk.Remove(); err != nil {
			slog.Debug("removing manifest list lock", "list", id, "err", err)
		}
	}()
	if l, err = svc.LookupList(id); err != nil { // as saved by whoever held the lock
		return "", err
	}
	if err := change(svc, l); err != nil {
		return "", err
	}
	return id, nil
}

// ManifestInspectReport is a list as manifest inspect prints it.
type ManifestInspectReport struct {
	JSON    []byte // indented
	Warning string // for stderr: the remote image is not a list
}

// ManifestInspect returns a local list as pm stores it (an OCI image index)
// or, when there is no local list of that name, the manifest a registry
// serves for it, as Podman does.
func (e *Engine) ManifestInspect(ctx context.Context, name string, auth RegistryAuth) (*ManifestInspectReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	rep := &ManifestInspectReport{}
	var raw []byte
	l, err := svc.LookupList(name)
	switch {
	case err == nil:
		if raw, err = l.Raw(); err != nil {
			return nil, err
		}
	case errors.Is(err, define.ErrNoSuchImage) || errors.Is(err, define.ErrInvalidArg):
		var mime string
		raw, mime, err = svc.RemoteManifest(ctx, name, auth.options())
		if err != nil {
			return nil, err
		}
		if !manifest.MIMETypeIsMultiImage(mime) {
			rep.Warning = fmt.Sprintf("The manifest type %s is not a manifest list but a single image.", mime)
		}
	default:
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "    "); err != nil {
		return nil, fmt.Errorf("rendering manifest %s for display: %w", name, err)
	}
	rep.JSON = b.Bytes()
	return rep, nil
}

// ManifestExists reports whether name is a local manifest list. An image
// that is not a list is an error, as in Podman.
func (e *Engine) ManifestExists(ctx context.Context, name string) (bool, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return false, err
	}
	_, err = svc.LookupList(name)
	if errors.Is(err, define.ErrNoSuchImage) {
		return false, nil
	}
	return err == nil, err
}

// ManifestRm removes manifest lists (not their images), as rmi removes
// images: each name must be a list.
func (e *Engine) ManifestRm(ctx context.Context, names []string) (*ImageRemoveReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	var lists []string
	var errs []error
	for _, n := range names {
		if _, err := svc.LookupList(n); err != nil {
			errs = append(errs, err)
			continue
		}
		lists = append(lists, n)
	}
	rep := &ImageRemoveReport{}
	if len(lists) > 0 {
		r, err := e.ImageRemove(ctx, ImageRemoveRequest{Names: lists})
		rep = r
		errs = append(errs, err)
	}
	return rep, errors.Join(errs...)
}

// ManifestPushRequest says where ManifestPush sends a list.
type ManifestPushRequest struct {
	RegistryAuth
	List              string
	Destination       string // "" is the list's own name
	All               bool   // its images too
	Format            string // oci or v2s2; "" keeps the stored OCI index
	CompressionFormat string
	RemoveSignatures  bool
	Rm                bool // remove the local list once pushed
	Progress          io.Writer
}

// ManifestPush pushes a list (with All, its images too) and returns the
// digest of the list written.
func (e *Engine) ManifestPush(ctx context.Context, req ManifestPushRequest) (string, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return "", err
	}
	l, err := svc.LookupList(req.List)
	if err != nil {
		return "", err
	}
	dest := req.Destination
	if dest == "" {
		if dest = l.Name(); dest == "" {
			return "", define.Invalidf("pushing %s: a list named by ID needs a destination", req.List)
		}
	}
	d, err := svc.PushList(ctx, l, dest, image.ListPushOptions{
		RegistryOptions: req.RegistryAuth.options(), All: req.All, Format: req.Format,
		CompressionFormat: req.CompressionFormat, RemoveSignatures: req.RemoveSignatures, Progress: req.Progress,
	})
	if err != nil {
		return "", err
	}
	e.emitImage("push", l.ID(), dest)
	if req.Rm {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if _, err := e.ImageRemove(cctx, ImageRemoveRequest{Names: []string{l.ID()}, Force: true}); err != nil {
			return d, fmt.Errorf("removing manifest list after push: %w", err)
		}
	}
	return d, nil
}
