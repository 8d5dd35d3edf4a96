package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/pkg/config"
)

// TrustSetRequest says what `image trust set` writes into the signature
// policy (policy.json): the requirement of Type for Scope.
type TrustSetRequest struct {
	// PolicyPath is the policy file to edit; "" is the one pm reads
	// (the user's, rootless), made when there is none.
	PolicyPath string
	// Scope is "default" or a registry, optionally with a repository
	// path (docker.io, quay.io/org).
	Scope string
	// Type is accept (insecureAcceptAnything), reject, signedBy or
	// sigstoreSigned; the last two need PubKeysFiles.
	Type         string
	PubKeysFiles []string
}

// TrustShowRequest says which policy `image trust show` describes.
type TrustShowRequest struct {
	PolicyPath string // "" is the one pm reads, or its built-in default
	Scope      string // only this scope's entries; "" all
}

// TrustPolicy is one requirement of the policy, described for people;
// its JSON keys are Podman's.
type TrustPolicy struct {
	Transport      string   `json:"transport"` // "all" for the default, "repository" for docker, else the transport
	Name           string   `json:"name,omitempty"`
	RepoName       string   `json:"repo_name,omitempty"`
	Keys           []string `json:"keys,omitempty"`
	SignatureStore string   `json:"sigstore,omitempty"`
	Type           string   `json:"type"` // accept, reject, signed or sigstoreSigned
	GPGId          string   `json:"gpg_id,omitempty"`
}

// TrustShowReport is the policy file's content and its description.
type TrustShowReport struct {
	Raw      []byte
	Policies []TrustPolicy
}

// trustTypes are the types `image trust set` takes.
var trustTypes = []string{"accept", "insecureAcceptAnything", "reject", "signedBy", "sigstoreSigned"}

// trustScopeRE is a registry with an optional port and repository path.
var trustScopeRE = regexp.MustCompile(`^[A-Za-z0-9*][A-Za-z0-9._-]*(:[0-9]+)?(/[a-z0-9._/-]+)?$`)

// policyFile is policy.json read generically, so that requirements and
// keys pm does not edit are written back as they were.
type policyFile struct {
	Default    json.RawMessage                       `json:"default"`
	Transports map[string]map[string]json.RawMessage `json:"transports,omitempty"`
}

// policyRequirement is the part of one requirement that pm reads or writes.
type policyRequirement struct {
	Type     string   `json:"type"`
	KeyType  string   `json:"keyType,omitempty"`
	KeyPath  string   `json:"keyPath,omitempty"`
	KeyPaths []string `json:"keyPaths,omitempty"`
	KeyData  []byte   `json:"keyData,omitempty"`
}

// TrustSet sets the requirement of a scope in the signature policy, as
// Podman's image trust set: "default" replaces the default requirement,
// a registry scope replaces that scope's requirement in the transport
// that has it, else in docker's.
func (e *Engine) TrustSet(req TrustSetRequest) error {
	typ := req.Type
	if !contains(trustTypes, typ) {
		return define.Invalidf("invalid choice: %s (choose from 'accept', 'reject', 'signedBy', 'sigstoreSigned')", typ)
	}
	if req.Scope != "default" && !trustScopeRE.MatchString(req.Scope) {
		return define.Invalidf("invalid image uri: %s", req.Scope)
	}
	if typ == "accept" {
		typ = "insecureAcceptAnything"
	}
	var reqs []policyRequirement
	switch typ {
	case "insecureAcceptAnything", "reject":
		if len(req.PubKeysFiles) > 0 {
			return define.Invalidf("%d public keys unexpectedly provided for trust type %s", len(req.PubKeysFiles), req.Type)
		}
		reqs = append(reqs, policyRequirement{Type: typ})
	default:
		if len(req.PubKeysFiles) == 0 {
			return define.Invalidf("at least one public key must be defined for type '%s'", typ)
		}
		for _, k := range req.PubKeysFiles {
			abs, err := filepath.Abs(k)
			if err != nil {
				return err
			}
			if _, err := os.Stat(abs); err != nil {
				return define.Invalidf("public key file %s: %v", k, errors.Unwrap(err))
			}
			r := policyRequirement{Type: typ, KeyPath: abs}
			if typ == "signedBy" {
				r.KeyType = "GPGKeys"
			}
			reqs = append(reqs, r)
		}
	}
	entry, err := json.Marshal(reqs)
	if err != nil {
		return err
	}

	cfg := e.rt.Config()
	path, start := req.PolicyPath, []byte(nil)
	if path == "" {
		path = cfg.PolicyPath
		if path == "" {
			// pm's built-in default is the policy so far: accept anything.
			path, start = cfg.PolicyWritePath, []byte(config.DefaultPolicy)
		}
	}
	var pol policyFile
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = start
	case err != nil:
		return fmt.Errorf("reading the policy file: %w", err)
	}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &pol); err != nil {
			return define.Invalidf("could not read trust policies from %s: %v", path, err)
		}
	}
	if req.Scope == "default" {
		pol.Default = entry
	} else {
		if len(pol.Default) == 0 {
			return define.Invalidf("default trust policy must be set (pm image trust set --type TYPE default)")
		}
		set := false
		for _, scopes := range pol.Transports {
			if _, ok := scopes[req.Scope]; ok {
				scopes[req.Scope], set = entry, true
				break
			}
		}
		if !set {
			if pol.Transports == nil {
				pol.Transports = map[string]map[string]json.RawMessage{}
			}
			if pol.Transports["docker"] == nil {
				pol.Transports["docker"] = map[string]json.RawMessage{}
			}
			pol.Transports["docker"][req.Scope] = entry
		}
	}
	out, err := json.MarshalIndent(&pol, "", "    ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing the policy file: %w", err)
	}
	if err := writeFileReplace(path, append(out, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the policy file: %w", err)
	}
	return nil
}

// writeFileReplace replaces path's content at once (a new file renamed
// over it), so that a reader never sees half a policy.
func writeFileReplace(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// TrustShow reads the signature policy and describes its requirements:
// the default first, then each transport's scopes, in order.
func (e *Engine) TrustShow(req TrustShowRequest) (*TrustShowReport, error) {
	path := req.PolicyPath
	if path == "" {
		path = e.rt.Config().PolicyPath
	}
	rep := &TrustShowReport{Raw: []byte(config.DefaultPolicy)}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading the policy file: %w", err)
		}
		rep.Raw = data
	}
	var pol policyFile
	if err := json.Unmarshal(rep.Raw, &pol); err != nil {
		return nil, define.Invalidf("could not read trust policies from %s: %v", path, err)
	}
	add := func(transport, name, repo string, raw json.RawMessage) error {
		if req.Scope != "" && req.Scope != repo {
			return nil
		}
		var reqs []policyRequirement
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &reqs); err != nil {
				return define.Invalidf("could not read trust policies from %s: scope %q: %v", path, repo, err)
			}
		}
		for _, r := range reqs {
			rep.Policies = append(rep.Policies, TrustPolicy{Transport: transport, Name: name, RepoName: repo,
				Type: trustTypeDescription(r.Type), GPGId: keyIdentities(r)})
		}
		return nil
	}
	if err := add("all", "* (default)", "default", pol.Default); err != nil {
		return nil, err
	}
	for _, t := range sortedKeys(pol.Transports) {
		shown := t
		if t == "docker" {
			shown = "repository"
		}
		for _, s := range sortedKeys(pol.Transports[t]) {
			if err := add(shown, s, s, pol.Transports[t][s]); err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

func trustTypeDescription(t string) string {
	switch t {
	case "insecureAcceptAnything":
		return "accept"
	case "signedBy":
		return "signed"
	}
	return t
}

// keyIdentities names who signs for a signedBy requirement: the e-mail
// addresses (else the names) of the keys' user IDs; "N/A" for sigstore
// keys, which carry no identity.
func keyIdentities(r policyRequirement) string {
	switch r.Type {
	case "sigstoreSigned":
		return "N/A"
	case "signedBy":
	default:
		return ""
	}
	var ids []string
	for _, p := range append([]string{r.KeyPath}, r.KeyPaths...) {
		if p == "" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			slog.Warn("reading the key of a trust policy", "path", p, "err", err)
			continue
		}
		ids = append(ids, gpgIdentities(data)...)
	}
	if len(r.KeyData) > 0 {
		ids = append(ids, gpgIdentities(r.KeyData)...)
	}
	return strings.Join(ids, ", ")
}

// gpgIdentities reads an armored or binary public keyring.
func gpgIdentities(data []byte) []string {
	keys, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	if err != nil {
		if keys, err = openpgp.ReadKeyRing(bytes.NewReader(data)); err != nil {
			slog.Warn("reading the key of a trust policy", "err", err)
			return nil
		}
	}
	var ids []string
	for _, k := range keys {
		for _, name := range sortedKeys(k.Identities) {
			id := k.Identities[name]
			if id.UserId != nil && id.UserId.Email != "" {
				ids = append(ids, id.UserId.Email)
			} else {
				ids = append(ids, name)
			}
		}
	}
	return ids
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
