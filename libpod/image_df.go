package libpod

import "fmt"

// ImageLayerUsage is how the images' layers add up on disk: the size of
// each layer and the layers of each image, its top layer and parents.
type ImageLayerUsage struct {
	LayerSize map[string]int64    // layer ID -> bytes
	Layers    map[string][]string // image ID -> its layers
}

// ImageLayers measures the layers of every image, for system df: which
// layers images share, and their sizes.
func (r *Runtime) ImageLayers() (*ImageLayerUsage, error) {
	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	imgs, err := store.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	u := &ImageLayerUsage{LayerSize: map[string]int64{}, Layers: map[string][]string{}}
	for _, img := range imgs {
		for id := img.TopLayer; id != ""; {
			u.Layers[img.ID] = append(u.Layers[img.ID], id)
			l, err := store.Layer(id)
			if err != nil {
				break
			}
			if _, ok := u.LayerSize[id]; !ok {
				n, err := store.LayerSize(id)
				if err != nil || n < 0 {
					n, _ = store.DiffSize("", id)
				}
				u.LayerSize[id] = max(n, 0)
			}
			id = l.Parent
		}
	}
	return u, nil
}
