package engine

import (
	"strings"
	"testing"
)

// TestCheckAutoUpdateImage: the registry policy needs an image named in
// full with the docker transport; other policies are not judged at create.
func TestCheckAutoUpdateImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		policy, img, err string
	}{
		{"registry", "quay.io/libpod/testimage:20220615", ""},
		{"image", "localhost:5000/app", ""},
		{"registry", "localhost/app:1", ""},
		{"registry", "docker://quay.io/app:1", ""},
		{"registry", "shortname:latest", `short name: auto updates require fully-qualified image reference: "shortname:latest"`},
		{"registry", "library/app", "short name"},
		{"registry", "docker-archive:/tmp/a.tar", `auto updates require the docker image transport but image is of transport "docker-archive"`},
		{"local", "shortname", ""},
		{"", "shortname", ""},
		{"fake", "shortname", ""},
	}
	for _, tt := range tests {
		labels := map[string]string{}
		if tt.policy != "" {
			labels[AutoUpdateLabel] = tt.policy
		}
		err := checkAutoUpdateImage(labels, tt.img)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s %s: %v", tt.policy, tt.img, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s %s: %v, want %q", tt.policy, tt.img, err, tt.err)
		}
	}
}
