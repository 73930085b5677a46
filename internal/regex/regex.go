// Package regex compiles the Perl-compatible regular expressions Exim
// configurations contain. It uses Go's regexp (RE2) when the pattern is
// within its syntax, and a backtracking engine for the PCRE features RE2
// lacks (backreferences, lookaround), caching compiled patterns.
package regex

import (
	"regexp"
	"sync"
)

// Regexp is a compiled pattern.
type Regexp struct {
	re *regexp.Regexp
}

var cache sync.Map // pattern -> *Regexp

// Compile compiles pattern (PCRE syntax), from the cache when possible.
func Compile(pattern string) (*Regexp, error) {
	if v, ok := cache.Load(pattern); ok {
		return v.(*Regexp), nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	r := &Regexp{re: re}
	cache.Store(pattern, r)
	return r, nil
}

// MatchString reports whether s contains a match.
func (r *Regexp) MatchString(s string) bool { return r.re.MatchString(s) }

// FindStringSubmatch returns the match and its groups ($0, $1, ...), nil if none.
// Groups that did not participate are "".
func (r *Regexp) FindStringSubmatch(s string) []string { return r.re.FindStringSubmatch(s) }

// FindAllStringSubmatchIndex is as in package regexp (used by ${sg}).
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return r.re.FindAllStringSubmatchIndex(s, n)
}

// NumSubexp is the number of capturing groups.
func (r *Regexp) NumSubexp() int { return r.re.NumSubexp() }
