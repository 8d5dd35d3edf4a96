package compat

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// configBody is Docker's container Config as requests carry it (create,
// commit): the module's type, with Cmd, Entrypoint and Shell also taking
// a JSON string, as Docker's string-or-list fields did; these shadow the
// embedded ones for the decoder.
type configBody struct {
	container.Config
	Cmd        strSlice
	Entrypoint strSlice
	Shell      strSlice
}

// createBody is Docker's container create request, the module's
// CreateRequest: Config with HostConfig and NetworkingConfig, every field
// of Docker's schema. Each field is mapped onto pm's Spec
// (specFromDocker) or has a rule in createRules: refused, answered with
// a warning, or inert as in Docker (output-only, client-side or another
// platform's). A test keeps the two in step.
type createBody struct {
	configBody
	// MacAddress is the container's MAC before API 1.44, which moved it
	// to EndpointSettings; the module no longer describes it.
	MacAddress string

	HostConfig       container.HostConfig
	NetworkingConfig network.NetworkingConfig
}

// strSlice is Docker's string-or-list field (Cmd, Entrypoint, Shell).
// Null is nil; a JSON string is one element.
type strSlice []string

func (s *strSlice) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = nil
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		str, err := strconv.Unquote(string(b))
		if err != nil {
			return fmt.Errorf("invalid string: %w", err)
		}
		*s = strSlice{str}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	if l == nil {
		l = []string{}
	}
	*s = l
	return nil
}
