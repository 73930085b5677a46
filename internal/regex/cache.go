package regex

import "sync"

// cacheLimit bounds the cache: configurations have a few hundred patterns
// at most, but expansions can build patterns from message data.
const cacheLimit = 1000

type patternCache struct {
	mu sync.Mutex
	m  map[string]*Regexp
}

var cache = patternCache{m: map[string]*Regexp{}}

func (c *patternCache) get(p string) *Regexp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[p]
}

// put stores r; when the cache is full it is emptied first, which is
// simple and keeps the hot patterns coming back quickly.
func (c *patternCache) put(p string, r *Regexp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= cacheLimit {
		clear(c.m)
	}
	c.m[p] = r
}
