package lookup

import (
	"fmt"
	"strings"
	"time"
)

// globalOpts are the options every lookup type accepts; they are taken
// out before the driver sees the rest (and before results are cached).
type globalOpts struct {
	retKey  bool
	noRead  bool // cache=no_rd: do not use cached results
	noWrite bool // cache=no_wr: do not store results
}

func splitGlobalOpts(opts []string) (globalOpts, []string) {
	var g globalOpts
	var rest []string
	for _, o := range opts {
		switch o {
		case "ret=key":
			g.retKey = true
		case "cache=no_rd":
			g.noRead = true
		case "cache=no_wr":
			g.noWrite = true
		case "cache=no":
			g.noRead, g.noWrite = true, true
		default:
			rest = append(rest, o)
		}
	}
	return g, rest
}

// Find runs a single-key lookup of key in file with the spec's partial
// matching, defaults and options.
func (s *Spec) Find(file, key string) (Result, error) {
	if s.Driver.Kind() == Query {
		return Result{}, fmt.Errorf("a single key was given for lookup type \"%s\", which is not a single-key lookup type", s.Driver.Name())
	}
	g, dopts := splitGlobalOpts(s.Opts)
	cacheMu.Lock()
	e, err := openHandle(s.Driver, file, dopts)
	cacheMu.Unlock()
	if err != nil {
		return Result{}, err
	}
	f := finder{entry: e, handle: e.handle, opts: dopts, g: g}
	res, err := f.search(s, key)
	if err != nil || !res.Found {
		return res, err
	}
	if g.retKey {
		res.Value = key
	}
	return res, nil
}

// finder runs the individual lookups of one search through the cache.
type finder struct {
	entry  *openEntry
	handle Handle // taken under the lock: the entry may be closed meanwhile
	opts   []string
	g      globalOpts
}

// search follows Exim's order: the key itself, the partial-matching keys,
// "*@domain", then "*".
func (f finder) search(s *Spec, key string) (Result, error) {
	res, err := f.one(key)
	if err != nil {
		return res, err
	}
	if res.Found {
		if s.Partial >= 0 {
			res.Wild, res.Fixed, res.HasParts = "", key, true
		}
		return res, nil
	}
	if s.Partial >= 0 {
		if res, err = f.partial(s, key); err != nil || res.Found {
			return res, err
		}
	}
	if s.StarAt {
		if at := strings.LastIndexByte(key, '@'); at > 0 {
			if res, err = f.one("*" + key[at:]); err != nil {
				return res, err
			}
			if res.Found {
				res.Wild, res.Fixed, res.HasParts = key[:at], "", true
				return res, nil
			}
		}
	}
	if s.Star || s.StarAt {
		if res, err = f.one("*"); err != nil {
			return res, err
		}
		if res.Found {
			res.Wild, res.Fixed, res.HasParts = key, "", true
		}
	}
	return res, err
}

// partial tries the affixed key, then drops leading components one by one
// while at least s.Partial of them remain.
func (f finder) partial(s *Spec, key string) (Result, error) {
	affix := s.PartialPrefix
	if affix != "" {
		res, err := f.one(affix + key)
		if err != nil || res.Found {
			if res.Found {
				res.Wild, res.Fixed, res.HasParts = "", key, true
			}
			return res, err
		}
	}
	dots := strings.Count(key, ".")
	pos := 0
	for ; dots >= s.Partial; dots-- {
		for pos < len(key) && key[pos] != '.' {
			pos++
		}
		var try string
		if pos >= len(key) {
			if affix == "" {
				break
			}
			if len(affix) > 1 && affix[len(affix)-1] == '.' {
				affix = affix[:len(affix)-1]
			}
			try = affix
		} else {
			try = affix + key[pos+1:]
		}
		res, err := f.one(try)
		if err != nil || res.Found {
			if res.Found {
				res.Wild, res.Fixed = partialParts(key, try, len(affix))
				res.HasParts = true
			}
			return res, err
		}
		pos++
	}
	return Result{}, nil
}

// partialParts splits key into the wild part and the fixed part after a
// match of the shortened key try, with Exim's arithmetic.
func partialParts(key, try string, affixLen int) (wild, fixed string) {
	fixedLen := len(try) - affixLen
	wildLen := len(key) - fixedLen - 1
	wildLen = max(0, min(wildLen, len(key)))
	if fixedLen > 0 && wildLen+1 <= len(key) {
		fixed = key[wildLen+1:]
	}
	return key[:wildLen], fixed
}

// one looks up a single key, through the result cache.
func (f finder) one(key string) (Result, error) {
	if key == "" {
		return Result{}, nil // Exim: an empty key never matches
	}
	e := f.entry
	rk := resultKey(key, f.opts)
	if !f.g.noRead {
		cacheMu.Lock()
		c, ok := e.results[rk]
		cacheMu.Unlock()
		if ok && (c.expires.IsZero() || time.Now().Before(c.expires)) {
			return c.result(key), nil
		}
	}
	c, ttl, err := f.lookup(key)
	if err != nil {
		return Result{}, err
	}
	if !f.g.noWrite {
		if ttl > 0 {
			c.expires = time.Now().Add(ttl)
		}
		cacheMu.Lock()
		e.results[rk] = c
		cacheMu.Unlock()
	}
	return c.result(key), nil
}

func (c cachedResult) result(key string) Result {
	return Result{Value: c.value, Found: c.found, Key: key, DNSSEC: c.dnssec, ResetNumeric: c.reset && c.found}
}

// numericResetter is implemented by handles whose matches unset the
// numeric variables ((n)wildlsearch).
type numericResetter interface{ ResetsNumeric() bool }

// detailedQuerier is implemented by query drivers that report a cache
// lifetime and DNSSEC status (dnsdb).
type detailedQuerier interface {
	QueryDetail(query string, opts []string) (value string, found bool, dnssec string, ttl time.Duration, err error)
}

func (f finder) lookup(key string) (cachedResult, time.Duration, error) {
	e := f.entry
	if e.driver.Kind() == Query {
		if dq, ok := e.driver.(detailedQuerier); ok {
			v, found, sec, ttl, err := dq.QueryDetail(key, f.opts)
			return cachedResult{value: v, found: found, dnssec: sec}, ttl, err
		}
		v, found, err := e.driver.(QueryDriver).Query(key, f.opts)
		return cachedResult{value: v, found: found}, 0, err
	}
	v, found, err := f.handle.Find(key, f.opts)
	c := cachedResult{value: v, found: found}
	if r, ok := f.handle.(numericResetter); ok {
		c.reset = r.ResetsNumeric()
	}
	return c, 0, err
}

// Query runs a query-style lookup (dnsdb).
func (s *Spec) Query(query string) (Result, error) {
	if s.Driver.Kind() != Query {
		return Result{}, fmt.Errorf("lookup type \"%s\" is not a query-style lookup type", s.Driver.Name())
	}
	if _, ok := s.Driver.(QueryDriver); !ok {
		return Result{}, fmt.Errorf("lookup type \"%s\" cannot answer queries", s.Driver.Name())
	}
	g, dopts := splitGlobalOpts(s.Opts)
	cacheMu.Lock()
	e, err := openHandle(s.Driver, "", dopts)
	cacheMu.Unlock()
	if err != nil {
		return Result{}, err
	}
	res, err := finder{entry: e, handle: e.handle, opts: dopts, g: g}.one(query)
	if err == nil && res.Found && g.retKey {
		res.Value = query
	}
	return res, err
}
