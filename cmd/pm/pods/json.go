package pods

import "encoding/json"

func parseJSONArray(s string) ([]string, error) {
	var out []string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}
