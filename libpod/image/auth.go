package image

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/pkg/docker/config"
)

// registryKey turns a user's registry argument ("https://quay.io/",
// "quay.io/ns") into the auth file key.
func registryKey(registry string) (string, error) {
	k := strings.TrimPrefix(strings.TrimPrefix(registry, "https://"), "http://")
	k = strings.TrimSuffix(k, "/")
	if k == "" || strings.ContainsAny(k, " \t@") {
		return "", define.Invalidf("invalid registry %q", registry)
	}
	return k, nil
}

// Login checks the credentials against the registry and stores them in the
// auth file (opts.AuthFile, or the configured one).
func (s *Service) Login(ctx context.Context, registry string, opts RegistryOptions) error {
	key, err := registryKey(registry)
	if err != nil {
		return err
	}
	if opts.Username == "" {
		return define.Invalidf("logging into %q: a username is required", key)
	}
	if opts.Password == "" {
		return define.Invalidf("logging into %q: a password is required", key)
	}
	sys := s.systemContext()
	RegistryOptions{AuthFile: opts.AuthFile, TLSVerify: opts.TLSVerify}.apply(sys)
	host, _, _ := strings.Cut(key, "/")
	if err := docker.CheckAuth(ctx, sys, opts.Username, opts.Password, host); err != nil {
		var unauth docker.ErrUnauthorizedForCredentials
		if errors.As(err, &unauth) {
			return define.Errorf(define.ErrPermission, "logging into %q: invalid username/password", key)
		}
		return fmt.Errorf("logging into %q: %w", key, err)
	}
	if _, err := config.SetCredentials(sys, key, opts.Username, opts.Password); err != nil {
		return fmt.Errorf("storing credentials for %s: %w", key, err)
	}
	return nil
}

// LoginUser returns the user name stored for registry.
func (s *Service) LoginUser(registry, authFile string) (string, error) {
	key, err := registryKey(registry)
	if err != nil {
		return "", err
	}
	sys := s.systemContext()
	RegistryOptions{AuthFile: authFile}.apply(sys)
	auth, err := config.GetCredentials(sys, key)
	if err != nil {
		return "", fmt.Errorf("reading credentials for %s: %w", key, err)
	}
	if auth.Username == "" {
		return "", define.Errorf(define.ErrNotFound, "not logged into %s", key)
	}
	return auth.Username, nil
}

// Logout removes the credentials stored for registry, or all of them.
func (s *Service) Logout(registry, authFile string, all bool) error {
	sys := s.systemContext()
	RegistryOptions{AuthFile: authFile}.apply(sys)
	if all {
		if err := config.RemoveAllAuthentication(sys); err != nil {
			return fmt.Errorf("removing all credentials: %w", err)
		}
		return nil
	}
	key, err := registryKey(registry)
	if err != nil {
		return err
	}
	if err := config.RemoveAuthentication(sys, key); err != nil {
		if errors.Is(err, config.ErrNotLoggedIn) {
			return define.Errorf(define.ErrNotFound, "not logged into %s", key)
		}
		return fmt.Errorf("removing credentials for %s: %w", key, err)
	}
	return nil
}
