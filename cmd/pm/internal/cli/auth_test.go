package cli

import "testing"

func TestParseCreds(t *testing.T) {
	t.Parallel()
	if u, p, err := ParseCreds("bob:se:cret"); err != nil || u != "bob" || p != "se:cret" {
		t.Errorf("ParseCreds = %q %q %v", u, p, err)
	}
	if u, p, err := ParseCreds("bob"); err != nil || u != "bob" || p != "" {
		t.Errorf("ParseCreds = %q %q %v", u, p, err)
	}
	if _, _, err := ParseCreds(":x"); err == nil {
		t.Error("ParseCreds(\":x\"): want an error")
	}
}
