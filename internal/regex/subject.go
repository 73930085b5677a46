package regex

import (
	"strings"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// subject is one string being matched, with its rune forms built lazily.
type subject struct {
	s string

	built    bool
	mapped   string // s with each high byte as one private-use rune
	toOrig   []int  // mapped byte offset -> offset in s (rune starts only)
	fromOrig []int  // offset in s -> mapped byte offset
	runes    []rune // one rune per byte of s, for regexp2
}

func newSubject(s string) *subject { return &subject{s: s} }

func hasHighByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// innerNewline reports a newline before the last byte, where Go's
// (?m:$) and PCRE's $ part ways.
func (sub *subject) innerNewline() bool {
	return len(sub.s) > 1 && strings.IndexByte(sub.s[:len(sub.s)-1], '\n') >= 0
}

// needsBacktracker tells whether RE2's "$" or multi-line "^" would part
// ways with PCRE's on this subject.
func (sub *subject) needsBacktracker(r *Regexp) bool {
	return (r.dollar && sub.innerNewline()) ||
		(r.caret && strings.HasSuffix(sub.s, "\n"))
}

// buildMapped fills mapped and the offset tables; without high bytes the
// mapped form is s itself and no tables are needed.
func (sub *subject) buildMapped() {
	if sub.built {
		return
	}
	sub.built = true
	if !hasHighByte(sub.s) {
		sub.mapped = sub.s
		return
	}
	var b strings.Builder
	sub.fromOrig = make([]int, len(sub.s)+1)
	for i := 0; i < len(sub.s); i++ {
		sub.fromOrig[i] = b.Len()
		if c := sub.s[i]; c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteRune(mapByte(c))
		}
	}
	sub.fromOrig[len(sub.s)] = b.Len()
	sub.mapped = b.String()
	sub.toOrig = make([]int, len(sub.mapped)+1)
	for i, m := range sub.fromOrig {
		sub.toOrig[m] = i
	}
}

func (sub *subject) mappedOffset(i int) int {
	if sub.fromOrig == nil {
		return i
	}
	return sub.fromOrig[i]
}

func (sub *subject) origOffset(m int) int {
	if sub.toOrig == nil || m < 0 {
		return m
	}
	return sub.toOrig[m]
}

func (sub *subject) runeSlice() []rune {
	if sub.runes == nil {
		sub.runes = make([]rune, len(sub.s))
		for i := 0; i < len(sub.s); i++ {
			if c := sub.s[i]; c < 0x80 {
				sub.runes[i] = rune(c)
			} else {
				sub.runes[i] = mapByte(c)
			}
		}
	}
	return sub.runes
}

// search finds the first match starting at or after pos (a byte offset),
// with the bytes before pos visible to anchors and \b, as PCRE's start
// offset works.
func (sub *subject) search(r *Regexp, pos int) []int {
	if r.re != nil && (r.back == nil || !sub.needsBacktracker(r)) {
		return sub.searchRE2(r, pos)
	}
	if r.back == nil {
		return nil
	}
	m, err := r.back.FindRunesMatchStartingAt(sub.runeSlice(), pos)
	if err != nil || m == nil {
		return nil
	}
	return groupIndexes(m, r.nsub)
}

func (sub *subject) searchRE2(r *Regexp, pos int) []int {
	sub.buildMapped()
	if pos == 0 {
		return sub.toOrigAll(r.re.FindStringSubmatchIndex(sub.mapped), 0, 0)
	}
	// Start one rune early and let (?s:.) eat it: the pattern then sees
	// its real left context.
	from := sub.mappedOffset(pos - 1)
	loc := r.reCtx.FindStringSubmatchIndex(sub.mapped[from:])
	if loc == nil {
		return nil
	}
	_, width := utf8.DecodeRuneInString(sub.mapped[from+loc[0]:])
	return sub.toOrigAll(loc, from, width)
}

// toOrigAll turns offsets in mapped[from:] into offsets in s; skip is the
// width of the context rune included at the start of the whole match.
func (sub *subject) toOrigAll(loc []int, from, skip int) []int {
	if loc == nil {
		return nil
	}
	out := make([]int, len(loc))
	for i, v := range loc {
		if v < 0 {
			out[i] = -1
			continue
		}
		if i == 0 {
			v += skip
		}
		out[i] = sub.origOffset(from + v)
	}
	return out
}

// nonEmptyAt is PCRE's NOTEMPTY|ANCHORED retry at pos: the first (by the
// pattern's own preference) non-empty match starting exactly at pos.
func (sub *subject) nonEmptyAt(r *Regexp, pos int) []int {
	if r.nonEmpt == nil {
		return nil
	}
	m, err := r.nonEmpt.FindRunesMatchStartingAt(sub.runeSlice(), pos)
	if err != nil || m == nil {
		return nil
	}
	return groupIndexes(m, r.nsub)
}

// groupIndexes converts a regexp2 match (rune indexes, which are byte
// offsets here) into package regexp's index form.
func groupIndexes(m *regexp2.Match, nsub int) []int {
	out := make([]int, 2*(nsub+1))
	for i := 0; i <= nsub; i++ {
		g := m.GroupByNumber(i)
		if g == nil || len(g.Captures) == 0 {
			out[2*i], out[2*i+1] = -1, -1
			continue
		}
		out[2*i], out[2*i+1] = g.Index, g.Index+g.Length
	}
	return out
}
