package define

import (
	"regexp"
	"sync"
	"time"
)

// ErrNoSuchSecret is the error for a secret that does not exist.
var ErrNoSuchSecret = NewError(ErrNotFound, "no such secret")

// SecretMaxSize is the most data a secret holds, as in Podman (512000 bytes).
const SecretMaxSize = 512000

// SecretIDLength is the length of a secret's hex ID, as in Podman.
const SecretIDLength = 25

var secretNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`) })

// ValidateSecretName checks a secret's name: the container name rule, at
// most 253 characters. Such a name never holds a path separator, so it
// can name a file.
func ValidateSecretName(name string) error {
	if !secretNameRE().MatchString(name) || len(name) > 253 {
		return Invalidf("invalid secret name %q: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 253 characters", name)
	}
	return nil
}

// SecretConfig is a secret's record. Its data is not part of it: it lives
// in a file of the driver's directory, DataFile.
type SecretConfig struct {
	ID   string
	Name string
	// Driver is the secret driver, file; DriverOptions are its options,
	// with path (the directory of the data files) always set.
	Driver        string
	DriverOptions map[string]string
	Labels        map[string]string
	CreatedAt     time.Time
	// UpdatedAt changes when create --replace gives the secret new data.
	UpdatedAt time.Time
	// DataFile is the name of the data's file in DriverOptions["path"];
	// each write of the data gets a new name, so a reader never sees a
	// half-replaced secret.
	DataFile string
}

// InspectSecretData is one secret as `pm secret inspect` shows it, in
// Podman's shape.
type InspectSecretData struct {
	ID        string     `json:"ID"`
	CreatedAt time.Time  `json:"CreatedAt"`
	UpdatedAt time.Time  `json:"UpdatedAt"`
	Spec      SecretSpec `json:"Spec"`
	// SecretData is the data, with --showsecret only.
	SecretData string `json:"SecretData,omitempty"`
}

// SecretSpec is the Spec of InspectSecretData.
type SecretSpec struct {
	Name   string            `json:"Name"`
	Driver SecretDriverSpec  `json:"Driver"`
	Labels map[string]string `json:"Labels"`
}

// SecretDriverSpec names a secret's driver and its options.
type SecretDriverSpec struct {
	Name    string            `json:"Name"`
	Options map[string]string `json:"Options"`
}

// Secret types of `--secret NAME,type=`.
const (
	SecretTypeMount = "mount"
	SecretTypeEnv   = "env"
)

// ContainerSecret is one --secret of a container, fixed at create time.
// The secret's data is copied for the container when it is created, so
// removing or replacing the secret later does not change the container.
type ContainerSecret struct {
	Name string `json:"Name"`
	ID   string `json:"ID"`
	Type string `json:"Type"` // mount or env
	// Target is the absolute path of a mount secret in the container, or
	// the variable name of an env secret.
	Target string `json:"Target"`
	// UID, GID and Mode are the owner (container ids) and permissions of
	// a mount secret's file.
	UID  uint32 `json:"UID"`
	GID  uint32 `json:"GID"`
	Mode uint32 `json:"Mode"`
}
