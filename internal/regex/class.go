package regex

import "strings"

// class translates a character class starting at t.i ("[").
func (t *translator) class() *CompileError {
	t.atomStart = t.b.Len()
	t.i++
	t.b.WriteByte('[')
	if t.i < len(t.p) && t.p[t.i] == '^' {
		t.b.WriteByte('^')
		t.i++
	}
	first := true
	prev := -1 // the last single character, for range order checks
	for t.i < len(t.p) {
		c := t.p[t.i]
		switch {
		case c == ']' && !first:
			t.b.WriteByte(']')
			t.i++
			t.canRepeat = true
			return nil
		case c == '[' && t.i+1 < len(t.p) && t.p[t.i+1] == ':':
			end := strings.Index(t.p[t.i+2:], ":]")
			if end < 0 {
				t.literalInClass(c)
				break
			}
			t.posixClass(t.p[t.i : t.i+end+4])
			t.i += end + 4
			prev = -1
		case c == '\\':
			if err := t.escape(true); err != nil {
				return err
			}
			prev = t.lastChar
		case c == '-' && prev == setEscape && t.i+1 < len(t.p) && t.p[t.i+1] != ']':
			return t.fail("invalid range in character class", t.i)
		case c == '-' && prev >= 0 && t.i+1 < len(t.p) && t.p[t.i+1] != ']':
			if err := t.rangeEnd(prev); err != nil {
				return err
			}
			prev = -1
		default:
			t.literalInClass(c)
			prev = int(c)
		}
		first = false
	}
	return t.fail("missing terminating ] for character class", len(t.p))
}

func (t *translator) literalInClass(c byte) {
	t.b.WriteString(t.charText(c))
	t.i++
}

// rangeEnd writes "-" and the end of a range, refusing reversed ranges
// as PCRE does.
func (t *translator) rangeEnd(lo int) *CompileError {
	t.b.WriteByte('-')
	t.i++
	c := t.p[t.i]
	hi := int(c)
	if c == '\\' {
		if err := t.escape(true); err != nil {
			return err
		}
		if hi = t.lastChar; hi < 0 {
			return nil
		}
	} else {
		t.literalInClass(c)
	}
	if hi < lo {
		return t.fail("range out of order in character class", t.i-1)
	}
	return nil
}

// setEscape marks a class item that was a set such as \d.
const setEscape = -2

// posixNet spells POSIX classes for the .NET syntax, which lacks them.
var posixNet = map[string]string{
	"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
	"lower": "a-z", "xdigit": "0-9A-Fa-f", "word": `\w`, "blank": `\t `,
	"space": spaceChars, "cntrl": `\x00-\x1f\x7f`, "print": `\x20-\x7e`,
	"graph": `\x21-\x7e`, "punct": `\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e`,
	"ascii": `\x00-\x7f`,
}

func (t *translator) posixClass(text string) {
	if t.d == goDialect {
		t.b.WriteString(text)
		return
	}
	set, ok := posixNet[text[2:len(text)-2]]
	if !ok {
		t.tr.unsupported = true
		set = text
	}
	t.b.WriteString(set)
}
