package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/pm-project/pm/libpod/network"
)

// Reset removes everything pm stores for this user: containers, images,
// volumes, networks, the state database and the storage directories. The caller stops
// the pause process afterwards.
func (r *Runtime) Reset(ctx context.Context) error {
	var errs []error
	r.stopHealthSchedulers()
	st, err := r.Store()
	if err != nil {
		// A store that cannot be opened is removed all the same.
		slog.Warn("storage cannot be opened; removing its directories", "err", err)
	} else {
		ctrs, err := st.Containers()
		if err != nil {
			errs = append(errs, fmt.Errorf("listing storage containers: %w", err))
		}
		for _, c := range ctrs {
			if err := st.DeleteContainer(c.ID); err != nil {
				errs = append(errs, fmt.Errorf("removing storage container %s: %w", c.ID, err))
			}
		}
		imgs, err := st.Images()
		if err != nil {
			errs = append(errs, fmt.Errorf("listing images: %w", err))
		}
		for _, img := range imgs {
			if _, err := st.DeleteImage(img.ID, true); err != nil {
				errs = append(errs, fmt.Errorf("removing image %s: %w", img.ID, err))
			}
		}
		if _, err := st.Shutdown(true); err != nil {
			errs = append(errs, fmt.Errorf("shutting down storage: %w", err))
		}
		r.store = nil
	}
	for _, dir := range []string{r.cfg.VolumePath, r.cfg.Storage.GraphRoot, r.cfg.Storage.RunRoot} {
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("removing %s: %w", dir, err))
		}
	}
	if err := r.removeUserNSBase(); err != nil {
		errs = append(errs, err)
	}
	if err := r.resetNetworkState(); err != nil {
		errs = append(errs, err)
	}
	// What containers that could not be removed keep in the runtime
	// directory: bundles, exit files, runtime state, locks.
	bundles, _ := os.ReadDir(filepath.Join(r.cfg.TmpDir, "containers"))
	for _, b := range bundles {
		if err := r.removeRuntimeFiles(b.Name()); err != nil {
			errs = append(errs, err)
		}
		if err := os.Remove(filepath.Join(r.cfg.TmpDir, "locks", b.Name()+".lock")); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing the lock of %s: %w", b.Name(), err))
		}
	}
	// The networks the user made go too, as with Podman's reset.
	if nets, err := r.Networks().List(); err != nil {
		errs = append(errs, err)
	} else {
		for _, n := range nets {
			if err := r.Networks().Remove(n); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, f := range []string{r.cfg.DatabasePath, r.cfg.DatabasePath + "-wal", r.cfg.DatabasePath + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing %s: %w", f, err))
		}
	}
	return errors.Join(errs...)
}

// resetNetworkState removes what is left of the networks of containers
// that could not be removed: their namespaces, bridge attachments, the
// rootless network namespace with its pasta, and aardvark-dns.
func (r *Runtime) resetNetworkState() error {
	var errs []error
	if err := network.StopPasta(r.rootlessPasta()); err != nil {
		errs = append(errs, fmt.Errorf("stopping the rootless network namespace's pasta: %w", err))
	}
	dir := filepath.Dir(r.rootlessNS())
	ents, _ := os.ReadDir(dir)
	for _, ent := range ents {
		p := filepath.Join(dir, ent.Name())
		if ent.Type().IsRegular() {
			if err := network.RemoveNS(p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, dir := range []string{r.attachDir(), r.pendingDir()} {
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, fmt.Errorf("removing bridge attachments: %w", err))
		}
	}
	if nv, err := r.netavark(); err == nil {
		if err := network.StopAardvark(nv.ConfDir); err != nil {
			errs = append(errs, fmt.Errorf("stopping aardvark-dns: %w", err))
		}
	}
	return errors.Join(errs...)
}
