package libpod

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/state"
)

// SecretDriverFile is the only secret driver: the data sits unencrypted in
// a file only its owner may read, as with Podman's file driver.
const SecretDriverFile = "file"

// Secret is one secret as read from the state database; its data is read
// on demand with SecretData.
type Secret struct {
	Config define.SecretConfig
}

// ID returns the secret's 25-hex ID.
func (s *Secret) ID() string { return s.Config.ID }

// Name returns the secret's name.
func (s *Secret) Name() string { return s.Config.Name }

// SecretCreateOptions describe a new secret.
type SecretCreateOptions struct {
	Name          string
	Data          []byte
	Driver        string // "" or file
	DriverOptions map[string]string
	Labels        map[string]string
	// Replace gives an existing secret of that name the new data, labels
	// and options, keeping its ID and creation time.
	Replace bool
}

// secretsDir is the file driver's default directory, in pm's storage:
// GraphRoot/secrets/filedriver, as Podman's.
func (r *Runtime) secretsDir() string {
	return filepath.Join(r.cfg.Storage.GraphRoot, "secrets", "filedriver")
}

func newSecretID() string {
	var b [(define.SecretIDLength + 1) / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])[:define.SecretIDLength]
}

// validateSecret checks o and fills in the driver's defaults.
func (r *Runtime) validateSecret(o *SecretCreateOptions) error {
	if err := define.ValidateSecretName(o.Name); err != nil {
		return err
	}
	if len(o.Data) == 0 {
		return define.Invalidf("secret data must not be empty")
	}
	if len(o.Data) > define.SecretMaxSize {
		return define.Invalidf("secret data of %d bytes is too large: the limit is %d bytes", len(o.Data), define.SecretMaxSize)
	}
	if o.Driver == "" {
		o.Driver = SecretDriverFile
	}
	if o.Driver != SecretDriverFile {
		return define.Errorf(define.ErrUnsupported, "secret driver %q is not supported: use file", o.Driver)
	}
	opts := map[string]string{}
	for k, v := range o.DriverOptions {
		if k != "path" {
			return define.Invalidf("invalid driver option %q for secret driver file: use path", k)
		}
		if !filepath.IsAbs(v) {
			return define.Invalidf("invalid driver option path=%s: not an absolute path", v)
		}
		opts[k] = filepath.Clean(v)
	}
	if opts["path"] == "" {
		opts["path"] = r.secretsDir()
	}
	o.DriverOptions = opts
	if o.Labels == nil {
		o.Labels = map[string]string{}
	}
	return nil
}

// writeSecretData stores data in a new file of dir (mode 0600, dir 0700),
// written whole before it gets its name, and returns the file's name.
func writeSecretData(dir, id string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating secrets directory: %w", err)
	}
	var nonce [4]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return "", err
	}
	name := id + "-" + hex.EncodeToString(nonce[:])
	f, err := os.CreateTemp(dir, ".tmp-"+id+"-*")
	if err != nil {
		return "", fmt.Errorf("writing secret data: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		return "", fmt.Errorf("writing secret data: %w", err)
	}
	return name, nil
}

// dataPath is where a secret's data file is.
func (s *Secret) dataPath() string {
	return filepath.Join(s.Config.DriverOptions["path"], s.Config.DataFile)
}

// CreateSecret records a new secret and stores its data. A taken name is
// an error wrapping define.ErrAlreadyExists, unless o.Replace; the name is
// claimed by the database, so of several pm creating one name at once,
// exactly one succeeds. A failure leaves nothing behind.
func (r *Runtime) CreateSecret(ctx context.Context, o SecretCreateOptions) (_ *Secret, retErr error) {
	if err := r.validateSecret(&o); err != nil {
		return nil, err
	}
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	s := &Secret{Config: define.SecretConfig{
		ID: newSecretID(), Name: o.Name, Driver: o.Driver, DriverOptions: o.DriverOptions,
		Labels: o.Labels, CreatedAt: now, UpdatedAt: now,
	}}
	dir := o.DriverOptions["path"]
	if s.Config.DataFile, err = writeSecretData(dir, s.ID(), o.Data); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			os.Remove(filepath.Join(dir, s.Config.DataFile))
		}
	}()
	var old *Secret // the secret --replace replaced
	err = db.Update(ctx, func(tx *state.Tx) error {
		old = nil
		if o.Replace {
			rec, err := tx.SecretByName(o.Name)
			switch {
			case err == nil:
				if old, err = decodeSecret(rec); err != nil {
					return err
				}
				// Keep the secret's identity; its data file is the new one.
				s.Config.ID, s.Config.CreatedAt = old.Config.ID, old.Config.CreatedAt
				b, err := json.Marshal(s.Config)
				if err != nil {
					return fmt.Errorf("encoding secret %s: %w", o.Name, err)
				}
				return tx.UpdateSecret(old.ID(), b)
			case err != nil && !errors.Is(err, define.ErrNoSuchSecret):
				return err
			}
		}
		b, err := json.Marshal(s.Config)
		if err != nil {
			return fmt.Errorf("encoding secret %s: %w", o.Name, err)
		}
		return tx.AddSecret(&state.SecretRecord{ID: s.ID(), Name: s.Name(), Config: b, Created: now})
	})
	if err != nil {
		return nil, err
	}
	if old != nil {
		removeSecretData(old)
	}
	return s, nil
}

func removeSecretData(s *Secret) {
	if err := os.Remove(s.dataPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		slog.Warn("removing secret data", "secret", s.ID(), "err", err)
	}
}

func decodeSecret(rec *state.SecretRecord) (*Secret, error) {
	s := &Secret{}
	if err := json.Unmarshal(rec.Config, &s.Config); err != nil {
		return nil, fmt.Errorf("decoding secret %s: %w", rec.ID, err)
	}
	s.Config.ID, s.Config.Name = rec.ID, rec.Name
	return s, nil
}

// LookupSecret returns the secret with this name, ID or unique ID prefix,
// or an error wrapping define.ErrNoSuchSecret.
func (r *Runtime) LookupSecret(ctx context.Context, idOrName string) (*Secret, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var s *Secret
	err = db.View(ctx, func(tx *state.Tx) error {
		rec, err := tx.LookupSecret(idOrName)
		if err != nil {
			return err
		}
		s, err = decodeSecret(rec)
		return err
	})
	return s, err
}

// Secrets returns every secret, by name.
func (r *Runtime) Secrets(ctx context.Context) ([]*Secret, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var out []*Secret
	err = db.View(ctx, func(tx *state.Tx) error {
		recs, err := tx.ListSecrets()
		if err != nil {
			return err
		}
		for _, rec := range recs {
			s, err := decodeSecret(rec)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// SecretData reads the data of the secret idOrName. A --replace racing
// with the read is met by reading the record again.
func (r *Runtime) SecretData(ctx context.Context, idOrName string) (*Secret, []byte, error) {
	for attempt := 0; ; attempt++ {
		s, err := r.LookupSecret(ctx, idOrName)
		if err != nil {
			return nil, nil, err
		}
		data, err := os.ReadFile(s.dataPath())
		if err == nil {
			return s, data, nil
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 2 {
			return nil, nil, fmt.Errorf("reading data of secret %s: %w", s.Name(), err)
		}
	}
}

// RemoveSecret removes the secret idOrName and its data, and returns it.
// Containers that use it keep their copy of the data.
func (r *Runtime) RemoveSecret(ctx context.Context, idOrName string) (*Secret, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var s *Secret
	err = db.Update(ctx, func(tx *state.Tx) error {
		rec, err := tx.LookupSecret(idOrName)
		if err != nil {
			return err
		}
		if s, err = decodeSecret(rec); err != nil {
			return err
		}
		return tx.RemoveSecret(rec.ID)
	})
	if err != nil {
		return nil, err
	}
	removeSecretData(s)
	return s, nil
}
