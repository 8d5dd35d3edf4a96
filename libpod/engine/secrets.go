package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/pm-project/pm/libpod"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/specgen"
)

// eventSecret is the type of secret events in the journal, as Podman's.
const eventSecret = "secret"

// SecretCreateRequest is `pm secret create`.
type SecretCreateRequest struct {
	Name          string
	Data          []byte
	Driver        string // "" or file
	DriverOptions map[string]string
	Labels        map[string]string
	// Replace gives an existing secret of the name the new data.
	Replace bool
}

// SecretCreate creates (or with Replace, updates) a secret and returns
// its ID.
func (e *Engine) SecretCreate(ctx context.Context, req SecretCreateRequest) (string, error) {
	s, err := e.rt.CreateSecret(ctx, libpod.SecretCreateOptions{
		Name: req.Name, Data: req.Data, Driver: req.Driver, DriverOptions: req.DriverOptions,
		Labels: req.Labels, Replace: req.Replace,
	})
	if err != nil {
		return "", err
	}
	e.emitSimple(eventSecret, "create", s.ID(), s.Name())
	return s.ID(), nil
}

// SecretListEntry is one row of `pm secret ls`.
type SecretListEntry struct {
	ID        string
	Name      string
	Driver    string
	Labels    map[string]string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SecretList returns the secrets that pass every filter (name=, a
// regular expression; id=, an ID prefix; label=). Values of one key are
// alternatives.
func (e *Engine) SecretList(ctx context.Context, filters []string) ([]*SecretListEntry, error) {
	byKey := map[string][]string{}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, define.Invalidf("invalid filter %q: use KEY=VALUE", f)
		}
		switch k {
		case "name", "id", "label":
		default:
			return nil, define.Invalidf("invalid filter %q: unknown key %q (use name, id or label)", f, k)
		}
		byKey[k] = append(byKey[k], v)
	}
	secrets, err := e.rt.Secrets(ctx)
	if err != nil {
		return nil, err
	}
	out := []*SecretListEntry{}
	for _, s := range secrets {
		if !secretMatches(s, byKey) {
			continue
		}
		out = append(out, &SecretListEntry{
			ID: s.ID(), Name: s.Name(), Driver: s.Config.Driver, Labels: s.Config.Labels,
			CreatedAt: s.Config.CreatedAt, UpdatedAt: s.Config.UpdatedAt,
		})
	}
	return out, nil
}

func secretMatches(s *libpod.Secret, byKey map[string][]string) bool {
	for k, vals := range byKey {
		match := false
		for _, v := range vals {
			switch k {
			case "name":
				match = match || nameMatch(s.Name(), v)
			case "id":
				match = match || strings.HasPrefix(s.ID(), v)
			case "label":
				match = match || labelMatch(s.Config.Labels, v)
			}
		}
		if !match {
			return false
		}
	}
	return true
}

// SecretInspect returns the named secrets in Podman's inspect format,
// with their data when showSecret. Names not found are joined into the
// error; the others are returned.
func (e *Engine) SecretInspect(ctx context.Context, names []string, showSecret bool) ([]*define.InspectSecretData, error) {
	out := []*define.InspectSecretData{}
	var errs []error
	for _, n := range names {
		var s *libpod.Secret
		var data []byte
		var err error
		if showSecret {
			s, data, err = e.rt.SecretData(ctx, n)
		} else {
			s, err = e.rt.LookupSecret(ctx, n)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		labels := s.Config.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		out = append(out, &define.InspectSecretData{
			ID: s.ID(), CreatedAt: s.Config.CreatedAt, UpdatedAt: s.Config.UpdatedAt,
			Spec: define.SecretSpec{
				Name:   s.Name(),
				Driver: define.SecretDriverSpec{Name: s.Config.Driver, Options: s.Config.DriverOptions},
				Labels: labels,
			},
			SecretData: string(data),
		})
	}
	return out, errors.Join(errs...)
}

// SecretExists reports whether a secret of that name or ID exists.
func (e *Engine) SecretExists(ctx context.Context, idOrName string) (bool, error) {
	_, err := e.rt.LookupSecret(ctx, idOrName)
	if errors.Is(err, define.ErrNoSuchSecret) {
		return false, nil
	}
	return err == nil, err
}

// SecretRemoveReport is the result of removing one secret.
type SecretRemoveReport struct {
	ID  string // the removed secret's ID, or the name asked for
	Err error
}

// SecretRemove removes the named secrets (all with all). With ignore, a
// missing secret is no error. Containers using a secret keep their copy.
func (e *Engine) SecretRemove(ctx context.Context, names []string, all, ignore bool) ([]SecretRemoveReport, error) {
	if all {
		secrets, err := e.rt.Secrets(ctx)
		if err != nil {
			return nil, err
		}
		names = names[:0:0]
		for _, s := range secrets {
			names = append(names, s.ID())
		}
	}
	var reps []SecretRemoveReport
	for _, n := range names {
		s, err := e.rt.RemoveSecret(ctx, n)
		if err != nil {
			if (ignore || all) && errors.Is(err, define.ErrNoSuchSecret) {
				continue
			}
			reps = append(reps, SecretRemoveReport{ID: n, Err: err})
			continue
		}
		e.emitSimple(eventSecret, "remove", s.ID(), s.Name())
		reps = append(reps, SecretRemoveReport{ID: s.ID()})
	}
	return reps, nil
}

// resolveSecrets looks up the secrets of s's --secret options: a
// missing one is an error wrapping define.ErrNoSuchSecret, before
// anything is made.
func (e *Engine) resolveSecrets(ctx context.Context, secs []specgen.Secret) ([]define.ContainerSecret, error) {
	var out []define.ContainerSecret
	for _, sec := range secs {
		s, err := e.rt.LookupSecret(ctx, sec.Source)
		if errors.Is(err, define.ErrNoSuchSecret) {
			return nil, define.Errorf(define.ErrNoSuchSecret, "secret %s: %w", sec.Source, define.ErrNoSuchSecret)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, define.ContainerSecret{
			Name: s.Name(), ID: s.ID(), Type: sec.Type, Target: sec.Target,
			UID: sec.UID, GID: sec.GID, Mode: sec.Mode,
		})
	}
	return out, nil
}
