package engine

import (
	"encoding/json"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// buildCache is the layer cache of builds: a JSON file mapping a step's
// cache key to the image that step committed. The images are ordinary
// unnamed images; `images` shows them only with --all.
type buildCache struct {
	path string
}

func (e *Engine) buildCachePath() string {
	return filepath.Join(e.rt.Config().Storage.GraphRoot, "pm-build-cache.json")
}

func (e *Engine) imageExists(id string) bool {
	store, err := e.rt.Store()
	if err != nil {
		return false
	}
	_, err = store.Image(id)
	return err == nil
}

// buildCacheImages is the set of images the build cache holds.
func (e *Engine) buildCacheImages() map[string]bool {
	c := &buildCache{path: e.buildCachePath()}
	ids := map[string]bool{}
	for _, id := range c.load() {
		ids[id] = true
	}
	return ids
}

func (c *buildCache) load() map[string]string {
	m := map[string]string{}
	data, err := os.ReadFile(c.path)
	if err == nil {
		json.Unmarshal(data, &m)
	}
	return m
}

func (c *buildCache) get(key string) string { return c.load()[key] }

// put records id under key, dropping the entries whose images are gone;
// a lock file keeps concurrent builds from losing each other's entries.
func (c *buildCache) put(key, id string, exists func(string) bool) error {
	lf, err := os.OpenFile(c.path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lf.Close()
	if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX); err != nil {
		return err
	}
	m := c.load()
	for k, v := range m {
		if !exists(v) {
			delete(m, k)
		}
	}
	m[key] = id
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, c.path)
}
