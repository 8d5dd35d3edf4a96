package e2e

import (
	"encoding/json"
	"strconv"
	"testing"
)

func itoa(i int) string { return strconv.Itoa(i) }

// decodeJSON unmarshals s into v or fails the test.
func decodeJSON(t testing.TB, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
}
