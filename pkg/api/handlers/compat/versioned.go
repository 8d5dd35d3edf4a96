package compat

import (
	"encoding/json"
	"fmt"
)

// withFields is v's JSON object with extra's fields added or replaced: the
// fields older API versions have that the module's type, which describes
// only the newest, no longer holds. A nil value in extra removes the
// field.
func withFields(v any, extra map[string]any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decoding %T: %w", v, err)
	}
	for k, x := range extra {
		if x == nil {
			delete(m, k)
			continue
		}
		m[k] = x
	}
	return m, nil
}
