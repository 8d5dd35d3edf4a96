package main

import (
	"github.com/pm-project/pm/cmd/pm/containers"
	"github.com/pm-project/pm/cmd/pm/generate"
	"github.com/pm-project/pm/cmd/pm/healthcheck"
	"github.com/pm-project/pm/cmd/pm/images"
	"github.com/pm-project/pm/cmd/pm/inspect"
	"github.com/pm-project/pm/cmd/pm/kube"
	"github.com/pm-project/pm/cmd/pm/manifests"
	"github.com/pm-project/pm/cmd/pm/networks"
	"github.com/pm-project/pm/cmd/pm/pods"
	"github.com/pm-project/pm/cmd/pm/secrets"
	"github.com/pm-project/pm/cmd/pm/system"
	"github.com/pm-project/pm/cmd/pm/volumes"
)

// Each noun package adds its commands here, one line each.
func init() {
	registrars = append(registrars, system.Register)
	registrars = append(registrars, images.Register)
	registrars = append(registrars, manifests.Register)
	registrars = append(registrars, containers.Register)
	registrars = append(registrars, inspect.Register)
	registrars = append(registrars, networks.Register)
	registrars = append(registrars, volumes.Register)
	registrars = append(registrars, pods.Register)
	registrars = append(registrars, healthcheck.Register)
	registrars = append(registrars, secrets.Register)
	registrars = append(registrars, generate.Register)
	registrars = append(registrars, kube.Register) // after generate: it adds pm generate kube
}
