// Package compat serves the Docker Engine API (versions 1.24 to 1.57) over
// pm's engine: the routes the docker CLI, docker-compose and docker-py use.
package compat

import (
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/engine"
	"github.com/pm-project/pm/pkg/api/handlers"
)

// VersionKey is the context key of the API version a request asked for.
type VersionKey struct{}

// apiVersion is the API version the request asked for (the newest when
// its path had no /vX.Y prefix).
func apiVersion(r *http.Request) string {
	if v, ok := r.Context().Value(VersionKey{}).(string); ok {
		return v
	}
	return define.APIVersion
}

// versionAtLeast reports whether the request's API version is v or newer.
func versionAtLeast(r *http.Request, v string) bool {
	var a, b [2]int
	fmt.Sscanf(apiVersion(r), "%d.%d", &a[0], &a[1])
	fmt.Sscanf(v, "%d.%d", &b[0], &b[1])
	return a[0] > b[0] || (a[0] == b[0] && a[1] >= b[1])
}

// api holds what every Docker handler needs: the engine. It keeps no
// state of containers or images: each request reads them afresh.
type api struct {
	eng      *engine.Engine
	execs    *execStore
	attaches *attachRegistry
	// listeners counts the /events streams open, for /info.
	listeners atomic.Int64
}

// Routes returns the Docker API's routing tables, one per area.
func Routes(eng *engine.Engine) []handlers.Route {
	a := &api{eng: eng, execs: newExecStore(), attaches: newAttachRegistry()}
	var rs []handlers.Route
	rs = append(rs, a.systemRoutes()...)
	rs = append(rs, a.containerRoutes()...)
	rs = append(rs, a.execRoutes()...)
	rs = append(rs, a.imageRoutes()...)
	rs = append(rs, a.networkRoutes()...)
	rs = append(rs, a.volumeRoutes()...)
	return rs
}

// SetHeaders adds the headers Docker sends on every reply.
func SetHeaders(h http.Header) {
	h.Set("API-Version", define.APIVersion)
	h.Set("Ostype", runtime.GOOS)
	h.Set("Server", "pm/"+define.PMVersion+" ("+runtime.GOOS+")")
	h.Set("Docker-Experimental", "false")
	// The classic builder: pm has no BuildKit.
	h.Set("Builder-Version", "1")
}
