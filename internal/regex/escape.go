package regex

import (
	"strconv"
	"strings"
)

// PCRE's \s includes VT (Go's does not); \h and \v are byte-mode classes.
const (
	spaceChars = `\t\n\x0b\f\r `
	vspaceMap  = `\n\x0b\f\r` // plus mapped 0x85
	hspaceMap  = `\t `        // plus mapped 0xa0
)

// escape translates a backslash sequence at t.i, inside a class or not.
func (t *translator) escape(inClass bool) *CompileError {
	if t.i+1 >= len(t.p) {
		return t.fail(`\ at end of pattern`, t.i+1)
	}
	e := t.p[t.i+1]
	start := t.i
	t.i += 2
	t.atomStart = t.b.Len()
	t.lastChar = -1
	if c, ok, err := t.charEscape(e, start); err != nil {
		return err
	} else if ok {
		t.b.WriteString(t.charText(c))
		t.canRepeat = true
		t.lastChar = int(c)
		return nil
	}
	if s, ok := t.classEscape(e, inClass); ok {
		t.b.WriteString(s)
		t.canRepeat = true
		t.lastChar = setEscape
		return nil
	}
	return t.otherEscape(e, inClass, start)
}

// charEscape decodes escapes that stand for one byte.
func (t *translator) charEscape(e byte, start int) (byte, bool, *CompileError) {
	switch e {
	case 'a':
		return 7, true, nil
	case 'e':
		return 0x1b, true, nil
	case 'f':
		return '\f', true, nil
	case 'n':
		return '\n', true, nil
	case 'r':
		return '\r', true, nil
	case 't':
		return '\t', true, nil
	case '0':
		return t.octal(2), true, nil
	case 'c':
		if t.i >= len(t.p) {
			return 0, false, t.fail(`\c at end of pattern`, t.i)
		}
		c := t.p[t.i]
		t.i++
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		return c ^ 0x40, true, nil
	case 'x':
		return t.hexEscape(start)
	case 'o':
		return t.braceOctal()
	}
	if !isAlnum(e) {
		return e, true, nil // an escaped punctuation or high byte is literal
	}
	return 0, false, nil
}

func (t *translator) octal(max int) byte {
	v := 0
	for n := 0; n < max && t.i < len(t.p) && t.p[t.i] >= '0' && t.p[t.i] <= '7'; n++ {
		v = v*8 + int(t.p[t.i]-'0')
		t.i++
	}
	return byte(v)
}

func (t *translator) hexEscape(start int) (byte, bool, *CompileError) {
	if t.i < len(t.p) && t.p[t.i] == '{' {
		end := strings.IndexByte(t.p[t.i:], '}')
		if end < 0 {
			return 0, false, t.fail("missing terminating } in \\x{}", len(t.p))
		}
		v, err := strconv.ParseUint(t.p[t.i+1:t.i+end], 16, 32)
		if err != nil {
			return 0, false, t.fail("non-hex character in \\x{} (closing brace missing?)", t.i+1)
		}
		t.i += end + 1
		if v > 0xff {
			return 0, false, t.fail(`character code point value in \x{} or \o{} is too large`, t.i-1)
		}
		return byte(v), true, nil
	}
	v := 0
	for n := 0; n < 2 && t.i < len(t.p) && isHex(t.p[t.i]); n++ {
		d, _ := strconv.ParseUint(t.p[t.i:t.i+1], 16, 8)
		v = v*16 + int(d)
		t.i++
	}
	return byte(v), true, nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// classEscape handles \s \S \h \H \v \V \R \N and those that mean the same
// in all three syntaxes (\d \D \w \W).
func (t *translator) classEscape(e byte, inClass bool) (string, bool) {
	var set string
	neg := false
	switch e {
	case 'd', 'D', 'w', 'W':
		return `\` + string(e), true
	case 's', 'S':
		set, neg = spaceChars, e == 'S'
	case 'h', 'H':
		set, neg = hspaceMap+t.runeText(mapByte(0xa0)), e == 'H'
	case 'v', 'V':
		set, neg = vspaceMap+t.runeText(mapByte(0x85)), e == 'V'
	case 'N':
		if inClass {
			return "", false
		}
		return `[^\n]`, true
	case 'R':
		if inClass {
			return "", false
		}
		return `(?:\r\n|[` + vspaceMap + t.runeText(mapByte(0x85)) + `])`, true
	default:
		return "", false
	}
	switch {
	case !inClass && neg:
		return "[^" + set + "]", true
	case !inClass:
		return "[" + set + "]", true
	case !neg:
		return set, true
	}
	// A negated set inside a class: only .NET has \S there.
	t.tr.unsupported = t.tr.unsupported || t.d == goDialect || e != 'S'
	return `\` + string(e), true
}

// otherEscape handles anchors, back references, \Q...\E and the rest.
func (t *translator) otherEscape(e byte, inClass bool, start int) *CompileError {
	t.canRepeat = true
	switch {
	case e == 'b' && inClass:
		t.b.WriteString(`\x08`)
		t.lastChar = 8
	case e == 'b' || e == 'B' || e == 'A' || e == 'z':
		t.b.WriteString(`\` + string(e))
		t.canRepeat = false
	case e == 'Z':
		t.canRepeat = false
		if t.d == goDialect {
			t.tr.dollar = true
			t.b.WriteString("(?m:$)")
		} else {
			t.b.WriteString(`\Z`)
		}
	case e == 'Q':
		t.quoted()
	case e == 'E':
		// a stray \E is ignored
	case e == 'p' || e == 'P':
		end := t.i + 1
		if t.i < len(t.p) && t.p[t.i] == '{' {
			if k := strings.IndexByte(t.p[t.i:], '}'); k >= 0 {
				end = t.i + k + 1
			}
		}
		t.i = min(end, len(t.p))
		t.b.WriteString(t.p[start:t.i])
	case e >= '1' && e <= '9':
		return t.digitEscape(start)
	case e == 'k' || e == 'g':
		t.namedReference(e, start)
	case e == 'G', e == 'K', e == 'X', e == 'C':
		// \G runs on the backtracking engine only; \K, \X and \C on neither.
		t.tr.unsupported = t.tr.unsupported || t.d == goDialect || e != 'G'
		t.b.WriteString(t.p[start:t.i])
	default:
		return t.fail("unrecognized character follows \\", t.i-1)
	}
	return nil
}

// quoted copies \Q...\E as literals.
func (t *translator) quoted() {
	end := strings.Index(t.p[t.i:], `\E`)
	text := t.p[t.i:]
	if end >= 0 {
		text = t.p[t.i : t.i+end]
		t.i += end + 2
	} else {
		t.i = len(t.p)
	}
	for k := 0; k < len(text); k++ {
		t.b.WriteString(t.charText(text[k]))
	}
	t.canRepeat = len(text) > 0
}

// digitEscape is \1..\9 and longer: a back reference when that many
// groups exist (or below 10), otherwise an octal escape.
func (t *translator) digitEscape(start int) *CompileError {
	digits, end := digitsAt(t.p, start+1)
	n, _ := strconv.Atoi(digits)
	if n < 10 || n <= t.groups {
		t.i = end
		t.tr.unsupported = t.tr.unsupported || t.d == goDialect
		t.b.WriteString(`\` + digits)
		return nil
	}
	t.i = start + 1
	if c := t.p[t.i]; c == '8' || c == '9' {
		t.i++
		t.b.WriteString(t.charText(c))
		return nil
	}
	t.b.WriteString(t.charText(t.octal(3)))
	return nil
}

// braceOctal is \o{ddd}.
func (t *translator) braceOctal() (byte, bool, *CompileError) {
	end := strings.IndexByte(t.p[t.i:], '}')
	if t.i >= len(t.p) || t.p[t.i] != '{' || end < 0 {
		return 0, false, t.fail("missing opening brace after \\o", t.i)
	}
	v, err := strconv.ParseUint(t.p[t.i+1:t.i+end], 8, 32)
	t.i += end + 1
	if err != nil || v > 0xff {
		return 0, false, t.fail(`character code point value in \x{} or \o{} is too large`, t.i-1)
	}
	return byte(v), true, nil
}

// namedReference is \k<name>, \k'name', \k{name} and \g forms: back
// references, which only the backtracking engine has.
func (t *translator) namedReference(e byte, start int) {
	t.tr.unsupported = t.tr.unsupported || t.d == goDialect
	open := byte(0)
	if t.i < len(t.p) {
		open = t.p[t.i]
	}
	closer := map[byte]byte{'<': '>', '\'': '\'', '{': '}'}[open]
	if closer == 0 {
		// \g1 or \g-1: a plain number
		digits, end := digitsAt(t.p, t.i)
		t.i = end
		t.b.WriteString(`\` + digits)
		if digits == "" {
			t.tr.unsupported = true
		}
		return
	}
	end := strings.IndexByte(t.p[t.i+1:], closer)
	if end < 0 {
		t.tr.unsupported = true
		return
	}
	name := t.p[t.i+1 : t.i+1+end]
	t.i += end + 2
	if _, err := strconv.Atoi(name); err == nil && e == 'g' {
		t.b.WriteString(`\` + name)
		return
	}
	if strings.HasPrefix(name, "-") || strings.HasPrefix(name, "+") {
		t.tr.unsupported = true
	}
	t.b.WriteString(`\k<` + name + `>`)
}
