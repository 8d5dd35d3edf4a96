package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/shortnames"
	"go.podman.io/image/v5/signature"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

// RegistryOptions are the per-operation settings for talking to a registry.
type RegistryOptions struct {
	Username, Password string             // from --creds; "" uses the auth file
	AuthFile           string             // "" uses the configured auth file
	TLSVerify          types.OptionalBool // undefined: registries.conf decides
	CertDir            string             // --cert-dir; "" uses certs.d
}

// apply sets the registry options on sys.
func (o RegistryOptions) apply(sys *types.SystemContext) {
	if o.AuthFile != "" {
		sys.AuthFilePath = o.AuthFile
	}
	if o.CertDir != "" {
		sys.DockerCertPath = o.CertDir
	}
	if o.Username != "" || o.Password != "" {
		sys.DockerAuthConfig = &types.DockerAuthConfig{Username: o.Username, Password: o.Password}
	}
	switch o.TLSVerify {
	case types.OptionalBoolFalse:
		sys.DockerInsecureSkipTLSVerify = types.OptionalBoolTrue
	case types.OptionalBoolTrue:
		sys.DockerInsecureSkipTLSVerify = types.OptionalBoolFalse
	}
}

// PullOptions say how Pull fetches an image.
type PullOptions struct {
	RegistryOptions
	OS, Arch, Variant string    // platform choice; "" is this host's
	AllTags           bool      // pull every tag of the repository
	Progress          io.Writer // where progress goes; nil is silent
}

// Pull copies the image named by name into storage and returns it (several
// with AllTags). name may carry a transport (docker://, oci:, oci-archive:,
// docker-archive:, dir:, containers-storage:); without one it is a registry
// name, a short name being tried against each unqualified-search registry.
func (s *Service) Pull(ctx context.Context, name string, opts PullOptions) ([]*Image, error) {
	release, err := s.holdScratch(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	sys := s.systemContext()
	opts.apply(sys)
	sys.OSChoice, sys.ArchitectureChoice, sys.VariantChoice = opts.OS, opts.Arch, opts.Variant

	tr, rest := splitTransport(name)
	if tr != nil && tr.Name() != docker.Transport.Name() {
		if opts.AllTags {
			return nil, define.Invalidf("--all-tags requires a registry image, not %s", name)
		}
		return s.pullTransport(ctx, sys, name, opts)
	}
	if tr != nil {
		rest = strings.TrimPrefix(rest, "//")
	}
	if opts.AllTags {
		return s.pullAllTags(ctx, sys, rest, opts)
	}
	img, err := s.pullRegistry(ctx, sys, rest, opts)
	if err != nil {
		return nil, err
	}
	return []*Image{img}, nil
}

// pullRegistry resolves name (a short name through registries.conf) and
// pulls the first candidate that works.
func (s *Service) pullRegistry(ctx context.Context, sys *types.SystemContext, name string, opts PullOptions) (*Image, error) {
	parsed, err := reference.Parse(name)
	if err != nil {
		return nil, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	// NAME:TAG@DIGEST pulls the digest, as Podman does; the tag says
	// nothing more and the registry client refuses both.
	if d, ok := parsed.(reference.Digested); ok {
		if n, ok := parsed.(reference.Named); ok {
			if _, tagged := parsed.(reference.Tagged); tagged {
				name = n.Name() + "@" + d.Digest().String()
			}
		}
	}
	resolved, err := shortnames.Resolve(sys, name)
	if err != nil {
		return nil, define.Errorf(define.ErrInvalidArg, "resolving %s: %w", name, err)
	}
	if d := resolved.Description(); d != "" && opts.Progress != nil {
		fmt.Fprintln(opts.Progress, d)
	}
	var errs []error
	for _, c := range resolved.PullCandidates {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "Trying to pull %s...\n", c.Value.String())
		}
		src, err := docker.NewReference(c.Value)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		img, err := s.copyIn(ctx, sys, src, c.Value, opts.Progress)
		if err != nil {
			errs = append(errs, fmt.Errorf("pulling %s: %w", c.Value.String(), err))
			continue
		}
		if err := c.Record(); err != nil {
			return nil, fmt.Errorf("recording short-name alias for %s: %w", c.Value.String(), err)
		}
		return img, nil
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	return nil, resolved.FormatPullErrors(errs)
}

// pullAllTags pulls every tag of a qualified repository.
func (s *Service) pullAllTags(ctx context.Context, sys *types.SystemContext, name string, opts PullOptions) ([]*Image, error) {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	if !reference.IsNameOnly(named) {
		return nil, define.Invalidf("--all-tags: %s must not carry a tag or digest", name)
	}
	ref, err := docker.NewReference(reference.TagNameOnly(named))
	if err != nil {
		return nil, fmt.Errorf("referencing %s: %w", name, err)
	}
	tags, err := docker.GetRepositoryTags(ctx, sys, ref)
	if err != nil {
		return nil, fmt.Errorf("listing tags of %s: %w", name, err)
	}
	var out []*Image
	for _, tag := range tags {
		tagged, err := reference.WithTag(named, tag)
		if err != nil {
			return out, fmt.Errorf("tagging %s with %s: %w", name, tag, err)
		}
		src, err := docker.NewReference(tagged)
		if err != nil {
			return out, fmt.Errorf("referencing %s: %w", tagged.String(), err)
		}
		img, err := s.copyIn(ctx, sys, src, tagged, opts.Progress)
		if err != nil {
			return out, fmt.Errorf("pulling %s: %w", tagged.String(), err)
		}
		out = append(out, img)
	}
	return out, nil
}

// pullTransport pulls from a non-registry transport.
func (s *Service) pullTransport(ctx context.Context, sys *types.SystemContext, name string, opts PullOptions) ([]*Image, error) {
	tr, rest := splitTransport(name)
	if tr.Name() == "docker-archive" && !strings.Contains(rest, ":") {
		return s.loadDockerArchive(ctx, rest, opts.Progress)
	}
	src, err := tr.ParseReference(rest)
	if err != nil {
		return nil, define.Invalidf("invalid image reference %q: %v", name, err)
	}
	named := src.DockerReference()
	if named == nil && (tr.Name() == "oci" || tr.Name() == "oci-archive") {
		// The image name follows the path: "oci:/dir:name:tag".
		if _, img, ok := strings.Cut(rest, ":"); ok && img != "" {
			if n, err := NormalizeName(img); err == nil {
				named = n
			}
		}
	}
	img, err := s.copyIn(ctx, sys, src, named, opts.Progress)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", name, err)
	}
	return []*Image{img}, nil
}

// copyIn copies src into storage, naming the image named (nil: the image
// has only its ID).
func (s *Service) copyIn(ctx context.Context, sys *types.SystemContext, src types.ImageReference, named reference.Named, progress io.Writer) (*Image, error) {
	id := ""
	if named == nil {
		var err error
		if id, err = configID(ctx, sys, src); err != nil {
			return nil, err
		}
	}
	dest, err := istorage.Transport.NewStoreReference(s.store, named, id)
	if err != nil {
		return nil, fmt.Errorf("referencing storage: %w", err)
	}
	if err := s.copy(ctx, sys, src, dest, progress, nil); err != nil {
		return nil, err
	}
	_, simg, err := istorage.ResolveReference(dest)
	if err != nil {
		return nil, fmt.Errorf("finding the copied image: %w", err)
	}
	return &Image{s: s, img: simg}, nil
}

// copy runs copy.Image under the service's signature policy. tune, if not
// nil, adjusts the options.
func (s *Service) copy(ctx context.Context, sys *types.SystemContext, src, dest types.ImageReference, progress io.Writer, tune func(*copy.Options)) error {
	pc, err := s.policyContext()
	if err != nil {
		return err
	}
	defer pc.Destroy()
	o := &copy.Options{SourceCtx: sys, DestinationCtx: sys, ReportWriter: progress}
	if tune != nil {
		tune(o)
	}
	if _, err := copy.Image(ctx, pc, dest, src, o); err != nil {
		return classify(err)
	}
	return nil
}

// policyContext returns a policy context for the service's policy; the
// caller destroys it.
func (s *Service) policyContext() (*signature.PolicyContext, error) {
	pc, err := signature.NewPolicyContext(s.policy)
	if err != nil {
		return nil, fmt.Errorf("creating signature policy context: %w", err)
	}
	return pc, nil
}

// classify gives registry errors that mean "no such image" the not-found
// class.
func classify(err error) error {
	msg := err.Error()
	var unknown docker.ErrUnauthorizedForCredentials
	switch {
	case errors.As(err, &unknown):
		return define.Errorf(define.ErrPermission, "%w", err)
	case strings.Contains(msg, "manifest unknown"), strings.Contains(msg, "name unknown"),
		strings.Contains(msg, "no such file or directory"):
		return define.Errorf(define.ErrNotFound, "%w", err)
	}
	return err
}

// configID returns the hex digest of src's config, the ID the image will
// have in storage.
func configID(ctx context.Context, sys *types.SystemContext, src types.ImageReference) (string, error) {
	img, err := src.NewImage(ctx, sys)
	if err != nil {
		return "", classify(fmt.Errorf("reading %s: %w", transportName(src), err))
	}
	defer img.Close()
	return img.ConfigInfo().Digest.Encoded(), nil
}

func transportName(ref types.ImageReference) string {
	return ref.Transport().Name() + ":" + ref.StringWithinTransport()
}
