// Command testimages builds pm's end-to-end test images from busybox-static's
// /bin/busybox and writes them as an OCI layout, archives and a plain rootfs
// tarball, and optionally pushes them to a registry.
//
//	go run -tags "..." ./hack/testimages -out DIR [-registry 127.0.0.1:PORT]
//
// With -podman it builds instead the stand-ins for the images Podman's
// system tests pull (see podman.go), for hack/conformance.sh.
//
// The layers are built deterministically (fixed mtimes, uid/gid 0, sorted
// entries), so the image IDs and digests are the same on every run and host.
// It uses go.podman.io/image/v5 and nothing of pm, so a bug in pm cannot hide
// in its own fixtures.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/transports/alltransports"
	"go.podman.io/image/v5/types"

	digest "github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// created is the fixed timestamp of every file and image: it keeps digests
// reproducible.
var created = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

const envPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func main() {
	out := flag.String("out", "", "output directory (required)")
	registry := flag.String("registry", "", "registry host:port to push the images to (insecure)")
	busybox := flag.String("busybox", "/bin/busybox", "path of a static busybox binary")
	podman := flag.Bool("podman", false, "build the stand-ins for Podman's system tests instead (needs -registry)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "Error: -out is required")
		os.Exit(2)
	}
	do := run
	if *podman {
		do = runPodman
	}
	if err := do(context.Background(), *out, *registry, *busybox); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

// entry is one file of a layer.
type entry struct {
	name     string // path without leading slash
	typ      byte
	mode     int64
	data     []byte
	linkname string
	mtime    time.Time // zero: created
}

// blob is a content-addressed blob of the OCI layout.
type blob struct {
	digest    digest.Digest
	size      int64
	mediaType string
}

type builder struct {
	layout string // OCI layout directory
}

func (b *builder) writeBlob(mediaType string, data []byte) (blob, error) {
	d := digest.FromBytes(data)
	p := filepath.Join(b.layout, "blobs", "sha256", d.Encoded())
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return blob{}, err
	}
	return blob{digest: d, size: int64(len(data)), mediaType: mediaType}, nil
}

// layer is a built layer: its compressed blob and the digest of its
// uncompressed tar (the diff ID).
type layer struct {
	blob   blob
	diffID digest.Digest
	tar    []byte
}

func tarEntries(entries []entry) ([]byte, error) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{
			Name:     e.name,
			Typeflag: e.typ,
			Mode:     e.mode,
			Linkname: e.linkname,
			ModTime:  e.mtime,
			Uid:      0,
			Gid:      0,
			Uname:    "root",
			Gname:    "root",
			Format:   tar.FormatPAX,
		}
		if h.ModTime.IsZero() {
			h.ModTime = created
		}
		if e.typ == tar.TypeDir && !strings.HasSuffix(h.Name, "/") {
			h.Name += "/"
		}
		if e.typ == tar.TypeReg {
			h.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write(e.data); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (b *builder) layer(entries []entry) (layer, error) {
	raw, err := tarEntries(entries)
	if err != nil {
		return layer{}, err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	if err != nil {
		return layer{}, err
	}
	if _, err := zw.Write(raw); err != nil {
		return layer{}, err
	}
	if err := zw.Close(); err != nil {
		return layer{}, err
	}
	bl, err := b.writeBlob(v1.MediaTypeImageLayerGzip, gz.Bytes())
	if err != nil {
		return layer{}, err
	}
	return layer{blob: bl, diffID: digest.FromBytes(raw), tar: raw}, nil
}

func dir(name string, mode int64) entry { return entry{name: name, typ: tar.TypeDir, mode: mode} }
func file(name string, mode int64, data string) entry {
	return entry{name: name, typ: tar.TypeReg, mode: mode, data: []byte(data)}
}

func busyboxEntries(busybox string) ([]entry, error) {
	bin, err := os.ReadFile(busybox)
	if err != nil {
		return nil, err
	}
	list, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list: %w", busybox, err)
	}
	entries := []entry{
		dir("bin", 0o755), dir("etc", 0o755), dir("tmp", 0o1777), dir("root", 0o700),
		dir("home", 0o755), dir("home/tuser", 0o755), dir("var", 0o755), dir("var/www", 0o755),
		dir("usr", 0o755), dir("usr/bin", 0o755), dir("proc", 0o755), dir("sys", 0o755),
		dir("dev", 0o755), dir("run", 0o755),
		{name: "bin/busybox", typ: tar.TypeReg, mode: 0o755, data: bin},
		file("etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/sh\n"+
			"tuser:x:1000:1000:test user:/home/tuser:/bin/sh\n"+
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
		file("etc/group", 0o644, "root:x:0:\ntuser:x:1000:\nnogroup:x:65534:\n"),
		file("var/www/index.html", 0o644, "hello from pm\n"),
	}
	seen := map[string]bool{"busybox": true}
	for _, applet := range strings.Fields(string(list)) {
		if seen[applet] || strings.Contains(applet, "/") {
			continue
		}
		seen[applet] = true
		entries = append(entries, entry{name: "bin/" + applet, typ: tar.TypeSymlink, mode: 0o777, linkname: "busybox"})
	}
	return entries, nil
}

// image is one image to write to the layout.
type image struct {
	ref     string // name:tag in the layout's index
	layers  []layer
	config  v1.ImageConfig
	history []v1.History
	created *time.Time // nil: created
}

func (b *builder) image(img image) (v1.Descriptor, error) {
	when := img.created
	if when == nil {
		when = &created
	}
	cfg := v1.Image{
		Created:  when,
		Platform: v1.Platform{Architecture: runtime.GOARCH, OS: "linux"},
		Config:   img.config,
		RootFS:   v1.RootFS{Type: "layers"},
		History:  img.history,
	}
	man := v1.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: v1.MediaTypeImageManifest,
	}
	for _, l := range img.layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.diffID)
		man.Layers = append(man.Layers, v1.Descriptor{MediaType: l.blob.mediaType, Digest: l.blob.digest, Size: l.blob.size})
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return v1.Descriptor{}, err
	}
	cb, err := b.writeBlob(v1.MediaTypeImageConfig, cfgJSON)
	if err != nil {
		return v1.Descriptor{}, err
	}
	man.Config = v1.Descriptor{MediaType: cb.mediaType, Digest: cb.digest, Size: cb.size}
	manJSON, err := json.Marshal(man)
	if err != nil {
		return v1.Descriptor{}, err
	}
	mb, err := b.writeBlob(v1.MediaTypeImageManifest, manJSON)
	if err != nil {
		return v1.Descriptor{}, err
	}
	return v1.Descriptor{
		MediaType:   mb.mediaType,
		Digest:      mb.digest,
		Size:        mb.size,
		Annotations: map[string]string{v1.AnnotationRefName: img.ref},
	}, nil
}

// newBuilder starts an empty OCI layout in dir, removing what was there.
func newBuilder(dir string) (*builder, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755); err != nil {
		return nil, err
	}
	return &builder{layout: dir}, nil
}

// writeImages writes images and the layout's index naming them.
func (b *builder) writeImages(images []image) error {
	index := v1.Index{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: v1.MediaTypeImageIndex}
	for _, img := range images {
		d, err := b.image(img)
		if err != nil {
			return fmt.Errorf("building %s: %w", img.ref, err)
		}
		index.Manifests = append(index.Manifests, d)
	}
	indexJSON, err := json.Marshal(index)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.layout, "index.json"), indexJSON, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.layout, v1.ImageLayoutFile), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
}

// copier copies images between transports, trusting any signature and any
// registry certificate (the registry is a local, plain-HTTP one).
type copier struct {
	ctx    context.Context
	policy *signature.PolicyContext
	sys    *types.SystemContext
	layout string
}

func newCopier(ctx context.Context, layout string) (*copier, error) {
	policy, err := signature.NewPolicyContext(&signature.Policy{
		Default: signature.PolicyRequirements{signature.NewPRInsecureAcceptAnything()},
	})
	if err != nil {
		return nil, err
	}
	sys := &types.SystemContext{
		DockerInsecureSkipTLSVerify: types.OptionalBoolTrue,
		OSChoice:                    "linux",
	}
	return &copier{ctx: ctx, policy: policy, sys: sys, layout: layout}, nil
}

func (c *copier) close() { _ = c.policy.Destroy() }

func (c *copier) copy(src, dst types.ImageReference) error {
	_, err := copy.Image(c.ctx, c.policy, dst, src, &copy.Options{SourceCtx: c.sys, DestinationCtx: c.sys})
	if err != nil {
		return fmt.Errorf("copying %s to %s: %w", transportName(src), transportName(dst), err)
	}
	return nil
}

// src returns the layout's image named name (as in image.ref).
func (c *copier) src(name string) (types.ImageReference, error) {
	return alltransports.ParseImageName("oci:" + c.layout + ":" + name)
}

// push copies the layout's image named ref to registry/ref.
func (c *copier) push(registry, ref string) error {
	src, err := c.src(ref)
	if err != nil {
		return err
	}
	dst, err := alltransports.ParseImageName("docker://" + registry + "/" + ref)
	if err != nil {
		return err
	}
	return c.copy(src, dst)
}

func run(ctx context.Context, out, registry, busybox string) error {
	layout := filepath.Join(out, "oci")
	b, err := newBuilder(layout)
	if err != nil {
		return err
	}

	bbEntries, err := busyboxEntries(busybox)
	if err != nil {
		return err
	}
	base, err := b.layer(bbEntries)
	if err != nil {
		return err
	}
	one, err := b.layer([]entry{dir("data", 0o755), file("data/one", 0o644, "one\n")})
	if err != nil {
		return err
	}
	two, err := b.layer([]entry{dir("data", 0o755), file("data/two", 0o644, "two\n"), file("data/.wh.one", 0o644, "")})
	if err != nil {
		return err
	}

	// volimg declares VOLUME /data, seeded with a file (volume copy-up).
	volLayer, err := b.layer([]entry{dir("data", 0o755), file("data/seed", 0o644, "seed\n")})
	if err != nil {
		return err
	}

	bbConfig := v1.ImageConfig{
		Cmd:          []string{"sh"},
		Env:          []string{envPath, "PM_TEST=1"},
		Labels:       map[string]string{"org.pm.test": "busybox"},
		ExposedPorts: map[string]struct{}{"80/tcp": {}},
		WorkingDir:   "/",
	}
	entryConfig := v1.ImageConfig{
		Entrypoint: []string{"/bin/echo", "entry"},
		Cmd:        []string{"default"},
		Env:        []string{envPath},
		Labels:     map[string]string{"org.pm.test": "entry"},
		WorkingDir: "/",
	}
	multiConfig := bbConfig
	multiConfig.Labels = map[string]string{"org.pm.test": "multilayer"}
	volConfig := bbConfig
	volConfig.Labels = map[string]string{"org.pm.test": "volimg"}
	volConfig.Volumes = map[string]struct{}{"/data": {}}
	hist := func(by string) v1.History { return v1.History{Created: &created, CreatedBy: by} }

	images := []image{
		{ref: "busybox:latest", layers: []layer{base}, config: bbConfig,
			history: []v1.History{hist("ADD busybox /bin/busybox")}},
		{ref: "entry:latest", layers: []layer{base}, config: entryConfig,
			history: []v1.History{hist("ADD busybox /bin/busybox")}},
		{ref: "volimg:latest", layers: []layer{base, volLayer}, config: volConfig,
			history: []v1.History{hist("ADD busybox /bin/busybox"), hist("ADD seed /data/seed"), hist("VOLUME /data")}},
		{ref: "multilayer:latest", layers: []layer{base, one, two}, config: multiConfig,
			history: []v1.History{hist("ADD busybox /bin/busybox"), hist("ADD one /data/one"),
				hist("ADD two /data/two && rm /data/one")}},
	}
	if err := b.writeImages(images); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "rootfs.tar"), base.tar, 0o644); err != nil {
		return err
	}
	c, err := newCopier(ctx, layout)
	if err != nil {
		return err
	}
	defer c.close()

	for _, f := range []string{"busybox.oci.tar", "busybox.docker.tar", "multi.docker.tar"} {
		if err := os.Remove(filepath.Join(out, f)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := os.RemoveAll(filepath.Join(out, "busybox.dir")); err != nil {
		return err
	}
	bb, err := c.src("busybox:latest")
	if err != nil {
		return err
	}
	for _, dst := range []string{
		"oci-archive:" + filepath.Join(out, "busybox.oci.tar") + ":busybox:latest",
		"docker-archive:" + filepath.Join(out, "busybox.docker.tar") + ":busybox:latest",
		"dir:" + filepath.Join(out, "busybox.dir"),
	} {
		d, err := alltransports.ParseImageName(dst)
		if err != nil {
			return err
		}
		if err := c.copy(bb, d); err != nil {
			return err
		}
	}

	// One docker-archive holding two images.
	w, err := archive.NewWriter(c.sys, filepath.Join(out, "multi.docker.tar"))
	if err != nil {
		return err
	}
	for _, name := range []string{"busybox:latest", "multilayer:latest"} {
		named, err := reference.ParseNormalizedNamed(name)
		if err != nil {
			return err
		}
		dst, err := w.NewReference(named.(reference.NamedTagged))
		if err != nil {
			return err
		}
		src, err := c.src(name)
		if err != nil {
			return err
		}
		if err := c.copy(src, dst); err != nil {
			w.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}

	if registry != "" {
		for _, img := range images {
			if err := c.push(registry, img.ref); err != nil {
				return err
			}
		}
	}
	return nil
}

func transportName(ref types.ImageReference) string {
	return ref.Transport().Name() + ":" + ref.StringWithinTransport()
}
