package libpod

import (
	"sync"

	"go.podman.io/storage"
)

// containersDeleter is the batch deletion pm's copy of storage has
// (hack/storage-overlay/pm_delete_containers.go): the records of all the
// containers are written once, where DeleteContainer writes them (with
// their fsyncs) for each.
type containersDeleter interface {
	DeleteContainers(ids []string) map[string]error
}

// deleteBatcher gathers the storage deletions that goroutines of this
// process ask for at the same time (rm, prune and pod rm remove
// containers side by side) into batches: the first asker deletes what is
// waiting then, the next batch is deleted by one of the askers that came
// while it ran.
type deleteBatcher struct {
	mu      sync.Mutex
	busy    bool // a batch is being deleted
	pending []*deleteRequest
}

type deleteRequest struct {
	id   string
	wake chan struct{} // the request is done, or its asker is to lead
	done bool
	err  error
}

// delete deletes storage container id, in a batch with others where
// storage can.
func (b *deleteBatcher) delete(store storage.Store, id string) error {
	multi, ok := store.(containersDeleter)
	if !ok {
		return store.DeleteContainer(id)
	}
	req := &deleteRequest{id: id, wake: make(chan struct{}, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, req)
	lead := !b.busy
	b.busy = true
	b.mu.Unlock()
	if !lead {
		<-req.wake
		if req.done {
			return req.err
		}
	}
	b.mu.Lock()
	batch := b.pending
	b.pending = nil
	b.mu.Unlock()

	ids := make([]string, len(batch))
	for i, q := range batch {
		ids[i] = q.id
	}
	errs := multi.DeleteContainers(ids)
	for _, q := range batch {
		q.err, q.done = errs[q.id], true
		if q != req {
			q.wake <- struct{}{}
		}
	}

	b.mu.Lock()
	if len(b.pending) > 0 {
		b.pending[0].wake <- struct{}{} // not done: it leads the next batch
	} else {
		b.busy = false
	}
	b.mu.Unlock()
	return req.err
}
