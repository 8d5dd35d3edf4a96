package engine

import "context"

// LoginRequest carries a registry login.
type LoginRequest struct {
	RegistryAuth
	Registry string
}

// Login checks credentials against a registry and stores them.
func (e *Engine) Login(ctx context.Context, req LoginRequest) error {
	svc, err := e.rt.Registries()
	if err != nil {
		return err
	}
	return svc.Login(ctx, req.Registry, req.RegistryAuth.options())
}

// LoginUser returns the user name stored for registry.
func (e *Engine) LoginUser(ctx context.Context, registry, authFile string) (string, error) {
	svc, err := e.rt.Registries()
	if err != nil {
		return "", err
	}
	return svc.LoginUser(registry, authFile)
}

// LogoutRequest says whose credentials Logout removes.
type LogoutRequest struct {
	Registry string
	AuthFile string
	All      bool // every registry's
}

// Logout removes stored credentials.
func (e *Engine) Logout(ctx context.Context, req LogoutRequest) error {
	svc, err := e.rt.Registries()
	if err != nil {
		return err
	}
	return svc.Logout(req.Registry, req.AuthFile, req.All)
}
