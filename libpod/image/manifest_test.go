package image

import (
	"testing"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestListPutAnnotate(t *testing.T) {
	t.Parallel()
	l := &List{index: emptyIndex(), sources: map[digest.Digest]instanceSource{}}
	d1, d2 := digest.FromString("one"), digest.FromString("two")
	l.put(imgspecv1.Descriptor{Digest: d1, Size: 1, Platform: &imgspecv1.Platform{OS: "linux", Architecture: "amd64"}}, instanceSource{Image: "i1"})
	l.put(imgspecv1.Descriptor{Digest: d2, Size: 2}, instanceSource{Ref: "docker://r/x:1"})
	// The same digest again replaces its entry and source, in place.
	l.put(imgspecv1.Descriptor{Digest: d1, Size: 3}, instanceSource{Ref: "docker://r/y:1"})
	if got := l.Instances(); len(got) != 2 || got[0] != d1 || got[1] != d2 {
		t.Fatalf("instances %v, want [%s %s]", got, d1, d2)
	}
	if l.index.Manifests[0].Size != 3 || l.sources[d1].Ref != "docker://r/y:1" || l.sources[d1].Image != "" {
		t.Errorf("replaced entry: %+v, source %+v", l.index.Manifests[0], l.sources[d1])
	}
	l.annotate(1, Annotation{Arch: "arm64", Variant: "v8", Annotations: map[string]string{"a": "b"}})
	l.annotate(1, Annotation{OSVersion: "1.0", Annotations: map[string]string{"c": "d"}})
	m := l.index.Manifests[1]
	if m.Platform.Architecture != "arm64" || m.Platform.Variant != "v8" || m.Platform.OSVersion != "1.0" || m.Platform.OS != "" {
		t.Errorf("platform after annotate: %+v", m.Platform)
	}
	if m.Annotations["a"] != "b" || m.Annotations["c"] != "d" {
		t.Errorf("annotations after annotate: %v", m.Annotations)
	}
	// Nothing asked, nothing changed: no platform made up.
	l.put(imgspecv1.Descriptor{Digest: digest.FromString("three")}, instanceSource{})
	l.annotate(2, Annotation{})
	if l.index.Manifests[2].Platform != nil || l.index.Manifests[2].Annotations != nil {
		t.Errorf("an empty annotation changed the entry: %+v", l.index.Manifests[2])
	}
	if l.instance(digest.FromString("nope")) != -1 {
		t.Error("instance of a digest not in the list is not -1")
	}
}
