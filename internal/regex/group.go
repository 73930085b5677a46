package regex

import "strings"

// group translates "(" and the "(?...)" forms.
func (t *translator) group() *CompileError {
	if !strings.HasPrefix(t.p[t.i:], "(?") {
		// PCRE verbs such as (*UTF) or (*FAIL): neither engine has them.
		t.tr.unsupported = t.tr.unsupported || strings.HasPrefix(t.p[t.i:], "(*")
		t.openGroup()
		t.emit("(", false)
		return nil
	}
	rest := t.p[t.i+2:]
	switch {
	case strings.HasPrefix(rest, "#"):
		return t.comment()
	case strings.HasPrefix(rest, "P<"):
		return t.named(t.i+4, '>', "(?P<", "(?<")
	case strings.HasPrefix(rest, "'"):
		return t.named(t.i+3, '\'', "", "(?'")
	case strings.HasPrefix(rest, "<") && !strings.HasPrefix(rest, "<=") && !strings.HasPrefix(rest, "<!"):
		return t.named(t.i+3, '>', "(?<", "(?<")
	case strings.HasPrefix(rest, ":"):
		return t.opener("(?:", "(?:", true)
	case startsWithAny(rest, "<=", "<!"):
		return t.opener(t.p[t.i:t.i+4], t.p[t.i:t.i+4], false)
	case startsWithAny(rest, "=", "!", ">"):
		return t.opener(t.p[t.i:t.i+3], t.p[t.i:t.i+3], false)
	case startsWithAny(rest, "(", "|", "R", "P=", "P>", "&", "+", "C") || (rest != "" && rest[0] >= '0' && rest[0] <= '9'):
		t.tr.unsupported = true
		return t.opener("(?", "(?", false)
	}
	return t.flags()
}

func startsWithAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// opener writes a group opener; goOK tells whether RE2 has it.
func (t *translator) opener(src, net string, goOK bool) *CompileError {
	t.openGroup()
	if t.d == netDialect {
		t.b.WriteString(net)
	} else {
		t.b.WriteString(src)
		t.tr.unsupported = t.tr.unsupported || !goOK
	}
	t.i += len(src)
	t.canRepeat = false
	return nil
}

// comment skips (?#...).
func (t *translator) comment() *CompileError {
	end := strings.IndexByte(t.p[t.i:], ')')
	if end < 0 {
		return t.fail("missing ) at end of (?# comment", len(t.p))
	}
	t.i += end + 1
	return nil
}

// flags handles (?imsxU-imsx) and (?imsx-imsx: ...).
func (t *translator) flags() *CompileError {
	j := t.i + 2
	for j < len(t.p) && strings.IndexByte("imsxUnJ-^", t.p[j]) >= 0 {
		j++
	}
	if j >= len(t.p) || (t.p[j] != ')' && t.p[j] != ':') {
		return t.fail("unrecognized character after (? or (?-", j)
	}
	letters := t.p[t.i+2 : j]
	// x is applied here, so the engines never see it.
	kept := strings.ReplaceAll(letters, "x", "")
	goOK := strings.Trim(kept, "imsU-") == ""
	netOK := strings.Trim(kept, "imsn-") == ""
	if (t.d == goDialect && !goOK) || (t.d == netDialect && !netOK) {
		t.tr.unsupported = true
	}
	if t.p[j] == ':' {
		t.openGroup()
	}
	switch {
	case strings.Trim(kept, "-") != "":
		t.b.WriteString("(?" + strings.TrimSuffix(kept, "-") + string(t.p[j]))
	case t.p[j] == ':':
		t.b.WriteString("(?:")
	}
	on, off, _ := strings.Cut(letters, "-")
	t.multiline = applyFlag(t.multiline, 'm', on, off)
	t.extended = applyFlag(t.extended, 'x', on, off)
	t.i = j + 1
	t.canRepeat = false
	return nil
}

// named copies a named group opener; goOpen is "" when RE2 lacks the form.
func (t *translator) named(nameStart int, term byte, goOpen, netOpen string) *CompileError {
	end := strings.IndexByte(t.p[nameStart:], term)
	if end < 0 {
		return t.fail("syntax error in subpattern name (missing terminator?)", len(t.p))
	}
	name := t.p[nameStart : nameStart+end]
	t.openGroup()
	if t.d == netDialect {
		t.b.WriteString(netOpen + name + string(term))
	} else {
		t.b.WriteString(goOpen + name + ">")
		t.tr.unsupported = t.tr.unsupported || goOpen == ""
	}
	t.i = nameStart + end + 1
	t.canRepeat = false
	return nil
}

func applyFlag(cur bool, flag byte, on, off string) bool {
	switch {
	case strings.IndexByte(off, flag) >= 0:
		return false
	case strings.IndexByte(on, flag) >= 0:
		return true
	}
	return cur
}
