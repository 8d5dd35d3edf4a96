package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pm-project/pm/libpod/define"
	"github.com/pm-project/pm/libpod/lock"
	"github.com/pm-project/pm/libpod/state"
)

// Pod is one pod as read from the state database.
type Pod struct {
	Config define.PodConfig
}

// ID returns the pod's full ID.
func (p *Pod) ID() string { return p.Config.ID }

// Name returns the pod's name.
func (p *Pod) Name() string { return p.Config.Name }

func decodePod(rec *state.PodRecord) (*Pod, error) {
	p := &Pod{}
	if err := json.Unmarshal(rec.Config, &p.Config); err != nil {
		return nil, fmt.Errorf("decoding configuration of pod %s: %w", rec.ID, err)
	}
	p.Config.ID, p.Config.Name = rec.ID, rec.Name
	return p, nil
}

// lockPod takes a pod's lock: first in pm's lock order.
func (r *Runtime) lockPod(ctx context.Context, id string) (*lock.Lock, error) {
	return r.locks.Lock(ctx, "pod-"+id)
}

// CreatePod records a new pod with no containers. A name held by a pod
// or a container is an error wrapping define.ErrNameInUse.
func (r *Runtime) CreatePod(ctx context.Context, cfg define.PodConfig) (*Pod, error) {
	if cfg.ID == "" {
		cfg.ID = NewID()
	}
	if cfg.Created.IsZero() {
		cfg.Created = time.Now()
	}
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	// A generated name that is taken is drawn again, as for containers.
	err = claimName(cfg.Name, func(name string) error {
		cfg.Name = name
		b, err := json.Marshal(cfg)
		if err != nil {
			return fmt.Errorf("encoding pod %s: %w", cfg.Name, err)
		}
		return db.Update(ctx, func(tx *state.Tx) error {
			return tx.AddPod(&state.PodRecord{ID: cfg.ID, Name: cfg.Name, Config: b, State: []byte("{}"), Created: cfg.Created})
		})
	})
	if err != nil {
		return nil, err
	}
	return &Pod{Config: cfg}, nil
}

// SetPodInfra records the infra container of a new pod.
func (r *Runtime) SetPodInfra(ctx context.Context, podID, infraID string) error {
	db, err := r.DB()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *state.Tx) error {
		rec, err := tx.GetPod(podID)
		if err != nil {
			return err
		}
		p, err := decodePod(rec)
		if err != nil {
			return err
		}
		p.Config.InfraID = infraID
		b, err := json.Marshal(p.Config)
		if err != nil {
			return fmt.Errorf("encoding pod %s: %w", podID, err)
		}
		return tx.UpdatePod(podID, b, nil)
	})
}

// LookupPod finds a pod by ID, unique ID prefix or name.
func (r *Runtime) LookupPod(ctx context.Context, idOrName string) (*Pod, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var p *Pod
	err = db.View(ctx, func(tx *state.Tx) error {
		rec, err := tx.LookupPod(idOrName)
		if err != nil {
			return err
		}
		p, err = decodePod(rec)
		return err
	})
	if errors.Is(err, define.ErrNoSuchPod) {
		return nil, define.Errorf(define.ErrNoSuchPod, "no pod with name or ID %s found: %w", idOrName, define.ErrNoSuchPod)
	}
	return p, err
}

// Pods returns every pod, oldest first.
func (r *Runtime) Pods(ctx context.Context) ([]*Pod, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var out []*Pod
	err = db.View(ctx, func(tx *state.Tx) error {
		recs, err := tx.ListPods()
		if err != nil {
			return err
		}
		for _, rec := range recs {
			p, err := decodePod(rec)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// PodContainers returns a pod's containers, oldest first (the infra
// container is created first). Their states are synced with the runtime
// where they seem to run.
func (r *Runtime) PodContainers(ctx context.Context, podID string) ([]*Container, error) {
	db, err := r.DB()
	if err != nil {
		return nil, err
	}
	var out []*Container
	err = db.View(ctx, func(tx *state.Tx) error {
		recs, err := tx.ContainersOfPod(podID)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			c, err := decodeContainer(rec)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	for _, c := range out {
		r.observe(c)
	}
	return out, err
}

// PodStatus derives a pod's status from its containers.
func PodStatus(ctrs []*Container) string {
	st := make([]define.ContainerStatus, 0, len(ctrs))
	for _, c := range ctrs {
		st = append(st, c.State.Status)
	}
	return define.PodStatusOf(st)
}

// removePodRecord deletes a pod that has no containers left.
func (r *Runtime) removePodRecord(ctx context.Context, id string) error {
	db, err := r.DB()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *state.Tx) error { return tx.RemovePod(id) })
}
