package define

import (
	"regexp"
	"sync"
	"time"
)

// VolumeConfig is a named volume's configuration, fixed at creation.
type VolumeConfig struct {
	Name      string
	Driver    string // always "local"
	Labels    map[string]string
	Options   map[string]string // -o: type, o, device
	CreatedAt time.Time
	// Anonymous is set for volumes made for `-v /path` and the image's
	// VOLUMEs; `rm -v` and `--rm` remove them with their container.
	Anonymous bool
}

// VolumeState is a volume's changing state.
type VolumeState struct {
	// NeedsCopyUp is set until the image's content at the first mount's
	// destination was copied into the (empty) volume.
	NeedsCopyUp bool
	// NeedsChown is set until the volume was owned by the first
	// container's user.
	NeedsChown bool
}

// InspectVolumeData is a volume as `pm volume inspect` prints it
// (Podman's format).
type InspectVolumeData struct {
	Name        string            `json:"Name"`
	Driver      string            `json:"Driver"`
	Mountpoint  string            `json:"Mountpoint"`
	CreatedAt   time.Time         `json:"CreatedAt"`
	Labels      map[string]string `json:"Labels"`
	Scope       string            `json:"Scope"`
	Options     map[string]string `json:"Options"`
	MountCount  uint              `json:"MountCount"`
	NeedsCopyUp bool              `json:"NeedsCopyUp,omitempty"`
	NeedsChown  bool              `json:"NeedsChown,omitempty"`
	Anonymous   bool              `json:"Anonymous,omitempty"`
}

var volumeNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`) })

// ValidateVolumeName refuses names that could not be a single path
// component of pm's volume directory: empty, ".", "..", names with "/" or
// NUL, or names not starting with a letter or digit.
func ValidateVolumeName(name string) error {
	if !volumeNameRE().MatchString(name) || len(name) > 255 {
		return Invalidf("invalid volume name %q: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", name)
	}
	return nil
}

// ErrVolumeInUse is the error for removing a volume a container uses.
var ErrVolumeInUse = NewError(ErrConflict, "volume is being used")
