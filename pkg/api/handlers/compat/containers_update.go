package compat

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// containerUpdate applies Docker's update body. pm changes the restart
// policy; the resource limits it cannot change on a created container
// are named in Warnings.
func (a *api) containerUpdate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var body map[string]json.RawMessage
	if err := handlers.DecodeJSON(r, &body); err != nil {
		return err
	}
	var req engine.ContainerUpdateRequest
	var ignored []string
	for k, raw := range body {
		if k != "RestartPolicy" {
			if string(raw) != "null" && string(raw) != "0" && string(raw) != `""` && string(raw) != "[]" && string(raw) != "false" {
				ignored = append(ignored, k)
			}
			continue
		}
		var rp *struct {
			Name              string
			MaximumRetryCount int
		}
		if err := json.Unmarshal(raw, &rp); err != nil {
			return handlers.BadRequest("invalid RestartPolicy: %v", err)
		}
		if rp == nil {
			continue
		}
		if rp.MaximumRetryCount < 0 {
			return handlers.BadRequest("invalid RestartPolicy: MaximumRetryCount %d is negative", rp.MaximumRetryCount)
		}
		spec := rp.Name
		if rp.Name == "on-failure" && rp.MaximumRetryCount > 0 {
			spec += ":" + strconv.Itoa(rp.MaximumRetryCount)
		} else if rp.MaximumRetryCount > 0 {
			return handlers.BadRequest("invalid RestartPolicy: MaximumRetryCount only applies to on-failure")
		}
		req.Restart = &spec
	}
	if _, err := a.eng.ContainerUpdate(r.Context(), id, req); err != nil {
		return noSuchContainer(err, id)
	}
	sort.Strings(ignored)
	warnings := []string{}
	for _, k := range ignored {
		warnings = append(warnings, "pm cannot change "+k+" of a created container: ignored")
	}
	return handlers.WriteJSON(w, http.StatusOK, container.UpdateResponse{Warnings: warnings})
}
