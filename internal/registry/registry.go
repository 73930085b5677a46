// Package registry is the small name-to-driver table that routers,
// transports and other driver kinds register themselves in.
package registry

import (
	"sort"
	"sync"
)

// Registry maps driver names to factories (or anything else).
type Registry[T any] struct {
	mu sync.RWMutex
	m  map[string]T
}

// Register adds or replaces name.
func (r *Registry[T]) Register(name string, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]T{}
	}
	r.m[name] = v
}

// Get finds name.
func (r *Registry[T]) Get(name string) (T, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.m[name]
	return v, ok
}

// Names lists the registered names in order.
func (r *Registry[T]) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.m))
	for n := range r.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
