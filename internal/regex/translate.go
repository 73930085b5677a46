package regex

import (
	"fmt"
	"strconv"
	"strings"
)

// Exim compiles patterns with PCRE2 in byte (non-UTF) mode. Both engines
// we use work on runes, so every byte from 0x80 up, in patterns and in
// subjects, is carried as one rune of a private-use block: one rune per
// byte keeps "." and counts right, and private-use runes have no case
// and are neither letters, digits nor spaces, as high bytes are in PCRE
// without locale tables.
const highBase = 0xF700

func mapByte(b byte) rune { return rune(highBase + int(b)) }

type dialect int

const (
	goDialect  dialect = iota // package regexp (RE2 syntax)
	netDialect                // github.com/dlclark/regexp2 (.NET syntax)
)

// translation is a pattern rewritten for one engine.
type translation struct {
	out string
	// unsupported: the engine cannot express the pattern.
	unsupported bool
	// dollar: the Go form uses (?m:$) for PCRE's "$"; that is exact only
	// when the subject has no newline before its last byte.
	dollar bool
	// caret: the Go form has a multi-line "^", which (unlike PCRE's) also
	// matches at the very end after a final newline.
	caret bool
}

// translator walks a PCRE pattern once, writing the engine's form and
// checking the few syntax errors whose PCRE wording we reproduce.
type translator struct {
	p         string
	i         int
	d         dialect
	b         strings.Builder
	tr        translation
	canRepeat bool
	depth     int
	groups    int // capturing groups in the whole pattern

	atomStart   int    // output offset where the last repeatable item began
	groupStarts []int  // output offsets of the open groups
	savedMulti  []bool // (?m) state to restore when each open group ends
	savedExt    []bool // (?x) state likewise
	multiline   bool   // (?m) is in force
	extended    bool   // (?x) is in force: white space and # comments ignored
	lastChar    int    // byte value of the last class item, or setEscape / -1
}

func translate(p string, d dialect) (translation, *CompileError) {
	t := &translator{p: p, d: d, groups: countGroups(p)}
	for t.i < len(t.p) {
		if err := t.step(); err != nil {
			return translation{}, err
		}
	}
	if t.depth > 0 {
		return translation{}, t.fail("missing closing parenthesis", len(p))
	}
	t.tr.out = t.b.String()
	return t.tr, nil
}

func (t *translator) fail(msg string, offset int) *CompileError {
	return &CompileError{Pattern: t.p, Msg: msg, Offset: offset}
}

func (t *translator) step() *CompileError {
	c := t.p[t.i]
	if t.extended && t.skipExtended(c) {
		return nil
	}
	switch c {
	case '\\':
		return t.escape(false)
	case '[':
		return t.class()
	case '(':
		return t.group()
	case ')':
		if t.depth == 0 {
			return t.fail("unmatched closing parenthesis", t.i)
		}
		t.depth--
		t.atomStart = t.groupStarts[len(t.groupStarts)-1]
		t.groupStarts = t.groupStarts[:len(t.groupStarts)-1]
		t.multiline = t.savedMulti[len(t.savedMulti)-1]
		t.savedMulti = t.savedMulti[:len(t.savedMulti)-1]
		t.extended = t.savedExt[len(t.savedExt)-1]
		t.savedExt = t.savedExt[:len(t.savedExt)-1]
		t.emit(")", true)
	case '|':
		t.emit("|", false)
	case '^':
		t.caret()
	case '$':
		t.dollar()
	case '.':
		t.atomStart = t.b.Len()
		t.emit(".", true)
	case '*', '+', '?':
		return t.quantifier(t.i + 1)
	case '{':
		end, ok, err := t.braceQuantifier()
		if err != nil {
			return err
		}
		if ok {
			return t.quantifier(end)
		}
		t.literal('{')
	default:
		t.literal(c)
	}
	return nil
}

// emit writes engine text for the source consumed so far plus one byte.
func (t *translator) emit(s string, repeatable bool) {
	t.b.WriteString(s)
	t.i++
	t.canRepeat = repeatable
}

// openGroup records a group start for ")" to come back to.
func (t *translator) openGroup() {
	t.groupStarts = append(t.groupStarts, t.b.Len())
	t.savedMulti = append(t.savedMulti, t.multiline)
	t.savedExt = append(t.savedExt, t.extended)
	t.depth++
}

// caret writes "^"; in multi-line mode PCRE's "^" does not match after a
// newline that ends the subject.
func (t *translator) caret() {
	switch {
	case !t.multiline:
		t.emit(`(?-m:^)`, false)
	case t.d == goDialect:
		t.tr.caret = true
		t.emit(`(?m:^)`, false)
	default:
		t.emit(`(?:\A|(?<=\n)(?!\z))`, false)
	}
}

func (t *translator) dollar() {
	if t.multiline {
		t.emit(`(?m:$)`, false)
		return
	}
	if t.d == goDialect {
		t.tr.dollar = true
		t.emit("(?m:$)", false)
		return
	}
	t.emit("$", false)
}

// literal writes one byte so that it matches itself in either engine.
func (t *translator) literal(c byte) {
	t.atomStart = t.b.Len()
	t.b.WriteString(t.charText(c))
	t.i++
	t.canRepeat = true
}

func (t *translator) charText(c byte) string {
	switch {
	case c >= 0x80:
		return t.runeText(mapByte(c))
	case isAlnum(c) || c == ' ' || c == '_':
		return string(c)
	}
	return fmt.Sprintf(`\x%02x`, c)
}

func (t *translator) runeText(r rune) string {
	if t.d == netDialect {
		return fmt.Sprintf(`\u%04X`, r)
	}
	return fmt.Sprintf(`\x{%X}`, r)
}

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// quantifier handles a quantifier ending just before end, plus PCRE's
// lazy "?" and possessive "+" suffixes (possessive has no equivalent in
// either engine).
func (t *translator) quantifier(end int) *CompileError {
	if !t.canRepeat {
		return t.fail("quantifier does not follow a repeatable item", end-1)
	}
	t.b.WriteString(t.p[t.i:end])
	t.i = end
	if t.i < len(t.p) && t.p[t.i] == '?' {
		t.b.WriteByte('?')
		t.i++
	} else if t.i < len(t.p) && t.p[t.i] == '+' {
		t.possessive()
		t.i++
	}
	t.canRepeat = false
	return nil
}

// possessive turns X*+ (and the like) into the atomic group (?>X*),
// which only the backtracking engine has.
func (t *translator) possessive() {
	if t.d == goDialect {
		t.tr.unsupported = true
		return
	}
	out := t.b.String()
	t.b.Reset()
	t.b.WriteString(out[:t.atomStart] + "(?>" + out[t.atomStart:] + ")")
}

// braceQuantifier recognises {n}, {n,} and {n,m} at t.i and returns the
// index after the "}"; anything else is a literal "{" in PCRE.
func (t *translator) braceQuantifier() (int, bool, *CompileError) {
	lo, j := digitsAt(t.p, t.i+1)
	if lo == "" || j >= len(t.p) {
		return 0, false, nil
	}
	if t.p[j] == '}' {
		return j + 1, true, nil
	}
	if t.p[j] != ',' {
		return 0, false, nil
	}
	hi, k := digitsAt(t.p, j+1)
	if k >= len(t.p) || t.p[k] != '}' {
		return 0, false, nil
	}
	if hi != "" {
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		if a > b {
			return 0, false, t.fail("numbers out of order in {} quantifier", k)
		}
	}
	return k + 1, true, nil
}

func digitsAt(s string, j int) (string, int) {
	k := j
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	return s[j:k], k
}

// countGroups counts capturing groups, to tell back references from octal
// escapes as PCRE does (\12 is a back reference only if there are twelve).
func countGroups(p string) int {
	n := 0
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			if i+1 < len(p) && p[i+1] == ']' {
				i++
			}
		case c == '(':
			rest := p[i+1:]
			if !strings.HasPrefix(rest, "?") || strings.HasPrefix(rest, "?P<") ||
				strings.HasPrefix(rest, "?'") ||
				(strings.HasPrefix(rest, "?<") && !strings.HasPrefix(rest, "?<=") && !strings.HasPrefix(rest, "?<!")) {
				n++
			}
		}
	}
	return n
}

// skipExtended drops white space and "#" comments in (?x) mode.
func (t *translator) skipExtended(c byte) bool {
	switch {
	case c == ' ' || (c >= '\t' && c <= '\r'):
		t.i++
		return true
	case c == '#':
		if nl := strings.IndexByte(t.p[t.i:], '\n'); nl >= 0 {
			t.i += nl + 1
		} else {
			t.i = len(t.p)
		}
		return true
	}
	return false
}
