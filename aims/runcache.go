package aims

import (
	"context"
	"sync"
)

// runCacheKey carries a [WithRunCache] cache in a context.
type runCacheKey struct{}

type runCache struct {
	mu sync.Mutex
	m  map[any]*cached
}

type cached struct {
	once sync.Once
	v    any
	err  error
}

// WithRunCache returns a context under which [Cached] loads each key once.
// A readiness run or a PDCA status installs it, so that the checks that
// read the same records (every risk, every document) share one read
// instead of each listing and decoding them again. The cache lives as long
// as the context: install it per run, never for a long-lived context,
// since writes made during the run are not seen by later reads of a key.
func WithRunCache(ctx context.Context) context.Context {
	if _, ok := ctx.Value(runCacheKey{}).(*runCache); ok {
		return ctx
	}
	return context.WithValue(ctx, runCacheKey{}, &runCache{m: map[any]*cached{}})
}

// Cached returns load's result for key, calling load once per
// [WithRunCache] context; without one it calls load every time. Values are
// shared between callers: they must not modify them. key must be
// comparable; use an unexported type to keep keys of different packages
// apart.
func Cached[T any](ctx context.Context, key any, load func() (T, error)) (T, error) {
	c, ok := ctx.Value(runCacheKey{}).(*runCache)
	if !ok {
		return load()
	}
	c.mu.Lock()
	e := c.m[key]
	if e == nil {
		e = &cached{}
		c.m[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.v, e.err = load() })
	if e.err != nil {
		var zero T
		return zero, e.err
	}
	return e.v.(T), nil
}
