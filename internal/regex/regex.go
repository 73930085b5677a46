// Package regex compiles the Perl-compatible regular expressions Exim
// configurations contain, with PCRE2's meaning as Exim 4.96 uses it:
// byte (non-UTF) mode, case-sensitive unless (?i), "$" matching at the
// end or before a final newline.
//
// Patterns within RE2's reach run on Go's regexp, after a translation that
// keeps PCRE's meaning (\s with VT, \h, \v, \e, \x escapes, high bytes,
// "$"). Back references, lookaround, atomic groups and the like run on
// github.com/dlclark/regexp2 (a backtracking engine), which also serves
// subjects with newlines inside them when the pattern has a "$".
// Compiled patterns are cached.
package regex

import (
	"fmt"
	"regexp"
	"time"

	"github.com/dlclark/regexp2"
)

// Regexp is a compiled pattern.
type Regexp struct {
	pattern string
	nsub    int

	// The RE2 programs; nil when the pattern needs the backtracker.
	re     *regexp.Regexp // search from the start of the subject
	reCtx  *regexp.Regexp // (?s:.)(?:P): search with one byte of context before
	dollar bool           // re is exact only for subjects without inner newlines
	caret  bool           // re is exact only for subjects not ending in newline

	back    *regexp2.Regexp // backtracking form; nil if it does not compile
	nonEmpt *regexp2.Regexp // \G(?:P)(?!\G): PCRE's NOTEMPTY|ANCHORED retry
}

// CompileError is a pattern PCRE would reject (or neither engine can
// run). Error() gives Exim's message for it.
type CompileError struct {
	Pattern string
	Msg     string // PCRE's wording where we reproduce it
	Offset  int
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("regular expression error in \"%s\": %s at offset %d", e.Pattern, e.Msg, e.Offset)
}

// MatchTimeout bounds one backtracking match (PCRE has match limits too);
// a match that runs out of time counts as no match.
var MatchTimeout = 5 * time.Second

// Compile compiles pattern (PCRE syntax), from the cache when possible.
func Compile(pattern string) (*Regexp, error) {
	if r := cache.get(pattern); r != nil {
		return r, nil
	}
	r, err := compile(pattern)
	if err != nil {
		return nil, err
	}
	cache.put(pattern, r)
	return r, nil
}

// MustCompile is Compile for patterns known to be good; it panics otherwise.
func MustCompile(pattern string) *Regexp {
	r, err := Compile(pattern)
	if err != nil {
		panic(err)
	}
	return r
}

func compile(pattern string) (*Regexp, error) {
	goForm, cerr := translate(pattern, goDialect)
	if cerr != nil {
		return nil, cerr
	}
	r := &Regexp{pattern: pattern, dollar: goForm.dollar, caret: goForm.caret}
	if !goForm.unsupported {
		re, err := regexp.Compile(goForm.out)
		if err == nil {
			ctx, cerr := regexp.Compile(`(?s:.)(?:` + goForm.out + `)`)
			if cerr == nil {
				r.re, r.reCtx, r.nsub = re, ctx, re.NumSubexp()
			}
		} else if cerr := pcreError(pattern, err); cerr != nil {
			return nil, cerr
		}
	}
	if err := r.compileBacktracker(); err != nil && r.re == nil {
		return nil, &CompileError{Pattern: pattern, Msg: err.Error()}
	}
	return r, nil
}

// compileBacktracker prepares the regexp2 forms. They are needed when RE2
// cannot run the pattern, for "$" with inner newlines, and for the
// non-empty retry of global matching.
func (r *Regexp) compileBacktracker() error {
	netForm, cerr := translate(r.pattern, netDialect)
	if cerr != nil {
		return cerr
	}
	if netForm.unsupported {
		return fmt.Errorf("construct not supported")
	}
	back, err := regexp2.Compile(netForm.out, regexp2.None)
	if err != nil {
		return err
	}
	back.MatchTimeout = MatchTimeout
	r.back = back
	if ne, err := regexp2.Compile(`\G(?:`+netForm.out+`)(?!\G)`, regexp2.None); err == nil {
		ne.MatchTimeout = MatchTimeout
		r.nonEmpt = ne
	}
	if r.re == nil {
		r.nsub = len(back.GetGroupNumbers()) - 1
	}
	return nil
}

// String returns the source pattern.
func (r *Regexp) String() string { return r.pattern }

// NumSubexp is the number of capturing groups.
func (r *Regexp) NumSubexp() int { return r.nsub }

// MatchString reports whether s contains a match.
func (r *Regexp) MatchString(s string) bool {
	sub := newSubject(s)
	if r.re != nil && (r.back == nil || !sub.needsBacktracker(r)) {
		sub.buildMapped()
		return r.re.MatchString(sub.mapped)
	}
	return sub.search(r, 0) != nil
}

// FindStringSubmatch returns the match and its groups ($0, $1, ...), nil if
// none. Groups that did not participate are "".
func (r *Regexp) FindStringSubmatch(s string) []string {
	loc := r.FindStringSubmatchIndex(s)
	if loc == nil {
		return nil
	}
	out := make([]string, len(loc)/2)
	for i := range out {
		if loc[2*i] >= 0 {
			out[i] = s[loc[2*i]:loc[2*i+1]]
		}
	}
	return out
}

// FindStringSubmatchIndex is as in package regexp: byte offsets of the
// match and of each group, -1 for groups that did not participate.
func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	return newSubject(s).search(r, 0)
}

// FindAllStringSubmatchIndex returns successive matches the way PCRE
// global matching does it (Perl's s///g, and Exim's ${sg}): after an
// empty match the next try is a non-empty match at the same place, and an
// empty match right after a non-empty one counts. This differs from
// package regexp, which skips such empty matches. n < 0 means all.
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	subj := newSubject(s)
	var all [][]int
	pos, retry := 0, false
	for n < 0 || len(all) < n {
		var loc []int
		if retry {
			loc = subj.nonEmptyAt(r, pos)
			retry = false
			if loc == nil {
				if pos >= len(s) {
					break
				}
				pos++
				loc = subj.search(r, pos)
			}
		} else {
			loc = subj.search(r, pos)
		}
		if loc == nil {
			break
		}
		all = append(all, loc)
		pos = loc[1]
		if loc[0] == loc[1] {
			if pos == len(s) {
				break
			}
			retry = true
		}
	}
	return all
}
