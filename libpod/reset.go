package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
)

// Reset removes everything pm stores for this user: containers, images,
// volumes, the state database and the storage directories. The caller stops
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
	for _, f := range []string{r.cfg.DatabasePath, r.cfg.DatabasePath + "-wal", r.cfg.DatabasePath + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing %s: %w", f, err))
		}
	}
	return errors.Join(errs...)
}
