package expand

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// headerInsertMax is Exim's header_insert_maxlen: longer concatenations
// of headers are cut.
const headerInsertMax = 64 * 1024

// isHeaderVarName: h_, header_, rh_, rheader_, lh_, lheader_, bh_, bheader_.
func isHeaderVarName(name string) bool {
	t := name
	if len(t) > 0 && (t[0] == 'r' || t[0] == 'l' || t[0] == 'b') {
		t = t[1:]
	}
	if len(t) == 0 || t[0] != 'h' {
		return false
	}
	t = t[1:]
	return strings.HasPrefix(t, "_") || strings.HasPrefix(t, "eader_")
}

// readHeaderName completes a header variable's name: after the prefix,
// any printing characters except ':' belong to it, and a ':' ends it.
// It returns the header name (without the colon) and the index after it.
func readHeaderName(name, s string, i int) (string, int) {
	hname := name[strings.IndexByte(name, '_')+1:]
	j := i
	for j < len(s) && isGraph(s[j]) && s[j] != ':' {
		j++
	}
	hname += s[i:j]
	if j < len(s) && s[j] == ':' {
		j++
	}
	return hname, j
}

// addressHeaders are the headers whose instances Exim joins with ",\n".
var addressHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "reply-to": true, "sender": true,
}

// header is the value of $h_name: (and the other forms); found is false
// when there is no such header (or no message).
func (e *expander) header(prefix, hname string) (string, bool, bool) {
	if e.c.Headers == nil {
		return "", false, false
	}
	texts := e.c.Headers.Header(hname)
	if len(texts) == 0 {
		return "", false, false
	}
	switch prefix[0] {
	case 'r':
		return joinRaw(texts), true, true
	case 'l':
		return joinList(texts), true, true
	}
	v := joinProcessed(texts, addressHeaders[strings.ToLower(hname)])
	charset := "UTF-8"
	if prefix[0] == 'b' {
		charset = ""
	} else if e.c.Vars != nil {
		if cs, _, ok := e.c.Vars.Var("headers_charset"); ok && cs != "" {
			charset = cs
		}
	}
	return decode2047(v, charset), true, true
}

func joinRaw(texts []string) string {
	var b strings.Builder
	for _, t := range texts {
		if b.Len()+len(t) > headerInsertMax {
			t = t[:headerInsertMax-b.Len()]
		}
		b.WriteString(t)
		if b.Len() >= headerInsertMax {
			break
		}
	}
	return b.String()
}

// joinList is $lh_: each instance a colon-list element (colons doubled).
func joinList(texts []string) string {
	var b strings.Builder
	for i, t := range texts {
		t = strings.TrimRight(t, "\n")
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strings.ReplaceAll(t, ":", "::"))
		if b.Len() >= headerInsertMax {
			break
		}
	}
	return b.String()
}

// joinProcessed trims each instance and joins them with newlines (",\n"
// for address headers); empty instances add nothing.
func joinProcessed(texts []string, comma bool) string {
	sep := "\n"
	if comma {
		sep = ",\n"
	}
	var b strings.Builder
	for _, t := range texts {
		t = strings.TrimRightFunc(strings.TrimLeft(t, " \t\r\n\v\f"), func(r rune) bool {
			return r < 0x80 && isSpace(byte(r))
		})
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		if b.Len()+len(t) > headerInsertMax {
			t = t[:headerInsertMax-b.Len()]
		}
		b.WriteString(t)
		if b.Len() >= headerInsertMax {
			break
		}
	}
	return b.String()
}

// messageHeaders is $message_headers (trimmed lines joined by newlines,
// encoded words decoded without charset translation) or, raw, the lines
// as they are.
func messageHeaders(lines []string, raw bool) string {
	if raw {
		return joinRaw(lines)
	}
	return decode2047(joinProcessed(lines, false), "")
}

// decode2047 decodes RFC 2047 encoded words, converting them to charset
// when it can ("" leaves the bytes as they were encoded). Words longer
// than 75 characters are left alone, as Exim's check_rfc2047_length does.
func decode2047(s, charset string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	var b strings.Builder
	pendingSpace := ""
	lastWasWord := false
	for len(s) > 0 {
		i := strings.Index(s, "=?")
		if i < 0 {
			b.WriteString(pendingSpace)
			b.WriteString(s)
			break
		}
		gap := s[:i]
		decoded, n, ok := decodeWord(s[i:], charset)
		if !ok {
			b.WriteString(pendingSpace)
			b.WriteString(s[:i+2])
			pendingSpace, lastWasWord = "", false
			s = s[i+2:]
			continue
		}
		if !(lastWasWord && strings.Trim(gap, " \t\r\n") == "") {
			b.WriteString(pendingSpace)
			b.WriteString(gap)
		}
		pendingSpace = ""
		b.WriteString(decoded)
		lastWasWord = true
		s = s[i+n:]
		j := 0
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n') {
			j++
		}
		pendingSpace, s = s[:j], s[j:]
	}
	return b.String()
}

// decodeWord decodes one "=?charset?enc?text?=" at the start of s.
func decodeWord(s, target string) (string, int, bool) {
	parts := strings.SplitN(s[2:], "?", 3)
	if len(parts) < 3 || len(parts[1]) != 1 {
		return "", 0, false
	}
	end := strings.Index(parts[2], "?=")
	if end < 0 {
		return "", 0, false
	}
	text := parts[2][:end]
	n := 2 + len(parts[0]) + 1 + 1 + 1 + end + 2
	if n > 75 || strings.ContainsAny(text, " \t") {
		return "", 0, false
	}
	var raw []byte
	switch parts[1][0] | 0x20 {
	case 'q':
		raw = decodeQ(text)
	case 'b':
		d, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return "", 0, false
		}
		raw = d
	default:
		return "", 0, false
	}
	cs := parts[0]
	if k := strings.IndexByte(cs, '*'); k >= 0 {
		cs = cs[:k] // RFC 2231 language suffix
	}
	return convertCharset(raw, cs, target), n, true
}

func decodeQ(text string) []byte {
	var out []byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(text) && isXDigit(text[i+1]) && isXDigit(text[i+2]):
			out = append(out, byte(hexVal(text[i+1])<<4|hexVal(text[i+2])))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

// convertCharset handles the conversions that need no tables: between
// UTF-8 and ISO-8859-1 / US-ASCII. Anything else is left as it is.
func convertCharset(raw []byte, from, to string) string {
	if to == "" || strings.EqualFold(from, to) {
		return string(raw)
	}
	fromLatin := isLatin1(from)
	toUTF8 := strings.EqualFold(to, "utf-8") || strings.EqualFold(to, "utf8")
	switch {
	case fromLatin && toUTF8:
		var b strings.Builder
		for _, c := range raw {
			b.WriteRune(rune(c))
		}
		return b.String()
	case isUTF8Name(from) && isLatin1(to):
		var b strings.Builder
		for s := string(raw); s != ""; {
			r, n := utf8.DecodeRuneInString(s)
			if r > 0xff {
				r = '?'
			}
			b.WriteByte(byte(r))
			s = s[n:]
		}
		return b.String()
	}
	return string(raw)
}

func isLatin1(cs string) bool {
	cs = strings.ToLower(cs)
	return cs == "iso-8859-1" || cs == "latin1" || cs == "us-ascii" || cs == "iso8859-1"
}

func isUTF8Name(cs string) bool {
	return strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}
