package libpod

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pm-project/pm/pkg/config"
	"go.podman.io/storage"
	stypes "go.podman.io/storage/types"
)

// fuseOverlayfs is the mount program used where native overlay fails.
const fuseOverlayfs = "fuse-overlayfs"

// openStore opens containers/storage. With no driver configured it picks,
// once per graph root: native overlay, then overlay through fuse-overlayfs,
// then vfs. The choice is kept in GraphRoot/pm/driver so every later
// invocation agrees with the layers already on disk.
func openStore(sc config.StorageConfig) (storage.Store, error) {
	opts := stypes.StoreOptions{
		RunRoot:            sc.RunRoot,
		GraphRoot:          sc.GraphRoot,
		GraphDriverName:    sc.Driver,
		GraphDriverOptions: sc.Options,
		TransientStore:     sc.TransientStore,
	}
	if sc.Driver != "" {
		return getStore(opts)
	}
	choiceFile := filepath.Join(sc.GraphRoot, "pm", "driver")
	if b, err := os.ReadFile(choiceFile); err == nil {
		name, extra := parseChoice(string(b))
		opts.GraphDriverName = name
		opts.GraphDriverOptions = append(append([]string{}, sc.Options...), extra...)
		return getStore(opts)
	}
	var errs []error
	for _, c := range driverCandidates(sc.Options) {
		o := opts
		o.GraphDriverName = c.name
		o.GraphDriverOptions = append(append([]string{}, sc.Options...), c.opts...)
		st, err := getStore(o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recorded, err := writeChoice(choiceFile, c.name, c.opts)
		if err != nil {
			st.Shutdown(false)
			return nil, err
		}
		if recorded != "" {
			// Another pm chose first: use its choice, as every pm
			// after it will.
			st.Shutdown(false)
			name, extra := parseChoice(recorded)
			opts.GraphDriverName = name
			opts.GraphDriverOptions = append(append([]string{}, sc.Options...), extra...)
			return getStore(opts)
		}
		return st, nil
	}
	return nil, fmt.Errorf("no storage driver works at %s: %w", sc.GraphRoot, errors.Join(errs...))
}

type driverCandidate struct {
	name string
	opts []string
}

func driverCandidates(configured []string) []driverCandidate {
	cands := []driverCandidate{{name: "overlay"}}
	hasProgram := false
	for _, o := range configured {
		if strings.Contains(o, "mount_program") {
			hasProgram = true
		}
	}
	if !hasProgram {
		if p, err := exec.LookPath(fuseOverlayfs); err == nil {
			cands = append(cands, driverCandidate{name: "overlay", opts: []string{"overlay.mount_program=" + p}})
		}
	}
	return append(cands, driverCandidate{name: "vfs"})
}

func getStore(opts stypes.StoreOptions) (storage.Store, error) {
	st, err := storage.GetStore(opts)
	if err != nil {
		return nil, fmt.Errorf("opening storage at %s with driver %q: %w", opts.GraphRoot, opts.GraphDriverName, err)
	}
	return st, nil
}

// parseChoice reads "driver\noption\n..." as written by writeChoice.
func parseChoice(s string) (string, []string) {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[0]), lines[1:]
}

// writeChoice records the driver chosen for a new graph root, unless
// another pm process recorded its choice first: then it returns that
// choice's text and records nothing. Several pm processes may start at
// once on a new graph root.
func writeChoice(path, name string, opts []string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("recording storage driver: %w", err)
	}
	data := strings.Join(append([]string{name}, opts...), "\n") + "\n"
	tmp, err := os.CreateTemp(filepath.Dir(path), "driver-*.tmp")
	if err != nil {
		return "", fmt.Errorf("recording storage driver: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("recording storage driver: %w", err)
	}
	// A link fails where the name exists: the first choice stays.
	if err := os.Link(tmp.Name(), path); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("recording storage driver: %w", err)
		}
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			return "", fmt.Errorf("reading the recorded storage driver: %w", rerr)
		}
		if string(b) == data {
			return "", nil
		}
		return string(b), nil
	}
	return "", nil
}
