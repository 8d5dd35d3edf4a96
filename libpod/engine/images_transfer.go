package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/image"
	"go.podman.io/image/v5/types"
)

// RegistryAuth are the credentials and TLS settings of a registry operation.
type RegistryAuth struct {
	Username, Password string // --creds; empty uses the auth file
	AuthFile           string // --authfile; "" is the configured one
	TLSVerify          *bool  // --tls-verify; nil lets registries.conf decide
	CertDir            string // --cert-dir; "" uses certs.d
}

func (a RegistryAuth) options() image.RegistryOptions {
	o := image.RegistryOptions{Username: a.Username, Password: a.Password, AuthFile: a.AuthFile, CertDir: a.CertDir}
	if a.TLSVerify != nil {
		o.TLSVerify = types.NewOptionalBool(*a.TLSVerify)
	}
	return o
}

// ImagePullRequest says what ImagePull fetches.
type ImagePullRequest struct {
	RegistryAuth
	Name              string    // image reference, optionally with a transport
	OS, Arch, Variant string    // platform; "" is this host's
	AllTags           bool      // every tag of the repository
	Progress          io.Writer // nil is silent
}

// ImagePullReport lists the IDs of the images pulled.
type ImagePullReport struct {
	IDs []string
}

// ImagePull pulls an image into local storage.
func (e *Engine) ImagePull(ctx context.Context, req ImagePullRequest) (*ImagePullReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	imgs, err := svc.Pull(ctx, req.Name, image.PullOptions{
		RegistryOptions: req.RegistryAuth.options(),
		OS:              req.OS, Arch: req.Arch, Variant: req.Variant,
		AllTags:  req.AllTags,
		Progress: req.Progress,
	})
	if err != nil {
		return nil, err
	}
	rep := &ImagePullReport{}
	for _, img := range imgs {
		rep.IDs = append(rep.IDs, img.ID())
		e.emitImage("pull", img.ID(), req.Name)
	}
	return rep, nil
}

// ImagePushRequest says what ImagePush sends where.
type ImagePushRequest struct {
	RegistryAuth
	Name              string    // local image
	Destination       string    // "" pushes to the image's own name
	Format            string    // oci, v2s2, v2s1; "" keeps the stored type
	CompressionFormat string    // gzip, zstd, zstd:chunked
	RemoveSignatures  bool      // drop signatures
	Progress          io.Writer // nil is silent
}

// ImagePushReport carries the digest of the pushed manifest.
type ImagePushReport struct {
	Digest string
}

// ImagePush pushes a local image.
func (e *Engine) ImagePush(ctx context.Context, req ImagePushRequest) (*ImagePushReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	if img, err := svc.Lookup(req.Name); err == nil && img.IsManifestList() {
		// A manifest list goes with its images, as Podman pushes it.
		if strings.EqualFold(req.Format, "v2s1") {
			return nil, define.Invalidf("%s is a manifest list: --format v2s1 has no list type", req.Name)
		}
		d, err := e.ManifestPush(ctx, ManifestPushRequest{RegistryAuth: req.RegistryAuth, List: img.ID(), Destination: req.Destination,
			All: true, Format: req.Format, CompressionFormat: req.CompressionFormat, RemoveSignatures: req.RemoveSignatures, Progress: req.Progress})
		if err != nil {
			return nil, err
		}
		return &ImagePushReport{Digest: d}, nil
	}
	id := imageID(svc, req.Name)
	d, err := svc.Push(ctx, req.Name, req.Destination, image.PushOptions{
		RegistryOptions:   req.RegistryAuth.options(),
		Format:            req.Format,
		CompressionFormat: req.CompressionFormat,
		RemoveSignatures:  req.RemoveSignatures,
		Progress:          req.Progress,
	})
	if err != nil {
		return nil, err
	}
	target := req.Destination
	if target == "" {
		target = req.Name
	}
	e.emitImage("push", id, target)
	return &ImagePushReport{Digest: d}, nil
}

// ImageSaveRequest says which images ImageSave writes where.
type ImageSaveRequest struct {
	Names      []string
	Output     string    // file or directory; "" writes the archive to Writer
	Writer     io.Writer // used when Output is ""
	Format     string    // docker-archive (default), oci-archive, oci-dir, docker-dir
	MultiImage bool      // several images in one docker-archive
	Progress   io.Writer // nil is silent
	// Uncompressed keeps layers uncompressed in the OCI and dir formats.
	Uncompressed bool
}

// ImageSave writes images to an archive or directory.
func (e *Engine) ImageSave(ctx context.Context, req ImageSaveRequest) error {
	svc, err := e.rt.Images()
	if err != nil {
		return err
	}
	opts := image.SaveOptions{Format: req.Format, MultiImage: req.MultiImage, Progress: req.Progress, Uncompressed: req.Uncompressed}
	if req.Output != "" {
		if err := svc.Save(ctx, req.Names, req.Output, opts); err != nil {
			return err
		}
		e.emitSaved(svc, req.Names, req.Output)
		return nil
	}
	if req.Format == image.FormatOCIDir || req.Format == image.FormatDockerDir {
		return define.Invalidf("--format %s writes a directory: use --output", req.Format)
	}
	scratch, release, err := e.rt.HoldScratch(ctx)
	if err != nil {
		return err
	}
	defer release()
	dir, err := os.MkdirTemp(scratch, "pm-save-")
	if err != nil {
		return fmt.Errorf("creating temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	path := dir + "/archive.tar"
	if err := svc.Save(ctx, req.Names, path, opts); err != nil {
		return err
	}
	e.emitSaved(svc, req.Names, strings.Join(req.Names, ","))
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading saved archive: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(req.Writer, f); err != nil {
		return fmt.Errorf("writing archive: %w", err)
	}
	return nil
}

// ImageLoadRequest says where ImageLoad reads an archive from.
type ImageLoadRequest struct {
	Input    string    // archive file; "" reads Reader
	Reader   io.Reader // used when Input is ""
	Progress io.Writer // nil is silent
}

// ImageLoadReport lists the names loaded ("sha256:ID" for unnamed images).
type ImageLoadReport struct {
	Names []string
}

// ImageLoad stores the images of a docker-archive or oci-archive.
func (e *Engine) ImageLoad(ctx context.Context, req ImageLoadRequest) (*ImageLoadReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	var names []string
	if req.Input != "" {
		names, err = svc.Load(ctx, req.Input, req.Progress)
	} else {
		names, err = svc.LoadReader(ctx, req.Reader, req.Progress)
	}
	if err != nil {
		return nil, err
	}
	if req.Input != "" {
		// Podman records the archive, not the images in it.
		e.emitImage("loadfromarchive", "", req.Input)
	} else {
		for _, n := range names {
			e.emitImage("load", imageID(svc, n), n)
		}
	}
	return &ImageLoadReport{Names: names}, nil
}

// emitSaved records a save event for each image of names, with the
// archive or directory written as target.
func (e *Engine) emitSaved(svc *image.Service, names []string, target string) {
	for _, n := range names {
		e.emitImage("save", imageID(svc, n), target)
	}
}

// ImageImportRequest says how ImageImport makes an image from a tarball.
type ImageImportRequest struct {
	Source            string    // tarball path; "-" or "" reads Reader
	Reader            io.Reader // used for "-"
	Reference         string    // name for the new image; "" leaves it unnamed
	Changes           []string  // Dockerfile-style config changes
	Message           string    // history comment
	OS, Arch, Variant string    // platform recorded in the config
	Progress          io.Writer // nil is silent
}

// ImageImportReport carries the new image's ID.
type ImageImportReport struct {
	ID string
}

// ImageImport makes a one-layer image from a root filesystem tarball.
func (e *Engine) ImageImport(ctx context.Context, req ImageImportRequest) (*ImageImportReport, error) {
	svc, err := e.rt.Images()
	if err != nil {
		return nil, err
	}
	opts := image.ImportOptions{Reference: req.Reference, Changes: req.Changes, Message: req.Message,
		OS: req.OS, Arch: req.Arch, Variant: req.Variant, Progress: req.Progress}
	var img *image.Image
	if req.Source == "" || req.Source == "-" {
		img, err = svc.ImportReader(ctx, req.Reader, opts)
	} else {
		img, err = svc.Import(ctx, req.Source, opts)
	}
	if err != nil {
		return nil, err
	}
	e.emitImage("import", img.ID(), req.Reference)
	return &ImageImportReport{ID: img.ID()}, nil
}
