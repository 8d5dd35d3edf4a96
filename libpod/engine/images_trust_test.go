package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// TestKeyIdentities: a signedBy requirement is shown with the e-mail
// addresses of its keys' user IDs, armored or binary; sigstore keys
// with N/A.
func TestKeyIdentities(t *testing.T) {
	t.Parallel()
	alice, err := openpgp.NewEntity("Alice", "", "alice@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := openpgp.NewEntity("Bob", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var armored bytes.Buffer
	w, err := armor.Encode(&armored, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	var binary bytes.Buffer
	if err := bob.Serialize(&binary); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "alice.asc"), filepath.Join(dir, "bob.gpg")
	os.WriteFile(a, armored.Bytes(), 0o644)
	os.WriteFile(b, binary.Bytes(), 0o644)
	for _, c := range []struct {
		r    policyRequirement
		want string
	}{
		{policyRequirement{Type: "signedBy", KeyPath: a}, "alice@example.com"},
		{policyRequirement{Type: "signedBy", KeyPaths: []string{a, b}}, "alice@example.com, Bob"},
		{policyRequirement{Type: "signedBy", KeyData: binary.Bytes()}, "Bob"},
		{policyRequirement{Type: "sigstoreSigned", KeyPath: a}, "N/A"},
		{policyRequirement{Type: "reject"}, ""},
	} {
		if got := keyIdentities(c.r); got != c.want {
			t.Errorf("keyIdentities(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}
