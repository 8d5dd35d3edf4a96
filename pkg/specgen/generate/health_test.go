package generate

import (
	"reflect"
	"testing"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	dur := func(d time.Duration) *time.Duration { return &d }
	n := func(i int) *int { return &i }
	image := &define.HealthConfig{Test: []string{"CMD-SHELL", "image-check"}, Interval: 5 * time.Second, Retries: 7, StartPeriod: time.Minute}
	tests := []struct {
		name  string
		h     specgen.Health
		image *define.HealthConfig
		want  *define.HealthConfig
	}{
		{"none anywhere", specgen.Health{}, nil, nil},
		{"flags without a command and no image check", specgen.Health{Interval: dur(time.Second)}, nil, nil},
		{"defaults", specgen.Health{Test: []string{"CMD", "true"}}, nil,
			&define.HealthConfig{Test: []string{"CMD", "true"}, Interval: 30 * time.Second, Timeout: 30 * time.Second, Retries: 3}},
		{"the image's", specgen.Health{}, image,
			&define.HealthConfig{Test: []string{"CMD-SHELL", "image-check"}, Interval: 5 * time.Second, Timeout: 30 * time.Second, StartPeriod: time.Minute, Retries: 7}},
		{"field by field over the image's", specgen.Health{Test: []string{"CMD", "mine"}, Interval: dur(0), Retries: n(2)}, image,
			&define.HealthConfig{Test: []string{"CMD", "mine"}, Interval: 0, Timeout: 30 * time.Second, StartPeriod: time.Minute, Retries: 2}},
		{"--no-healthcheck", specgen.Health{Disable: true}, image, nil},
		{"--health-cmd none", specgen.Health{Test: []string{"NONE"}}, image, nil},
		{"an image's NONE", specgen.Health{}, &define.HealthConfig{Test: []string{"NONE"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &specgen.Spec{Health: tt.h}
			got := Healthcheck(s, ImageConfig{Healthcheck: tt.image})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Healthcheck = %+v, want %+v", got, tt.want)
			}
		})
	}
}
