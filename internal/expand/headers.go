package expand

import (
	"strings"

	"exigo/internal/expand/funcs"
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
	return e.decode2047(v, charset), true, true
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
func (e *expander) messageHeaders(lines []string, raw bool) string {
	if raw {
		return joinRaw(lines)
	}
	return e.decode2047(joinProcessed(lines, false), "")
}

// decode2047 decodes RFC 2047 encoded words for a header expansion, as
// Exim's find_header does: converted to charset ("" leaves the bytes),
// binary zeros as '?', words over 75 characters left alone unless
// check_rfc2047_length is false.
func (e *expander) decode2047(s, charset string) string {
	check := true
	if e.c.Vars != nil {
		if v, _, ok := e.c.Vars.Var("check_rfc2047_length"); ok {
			check = v != "false"
		}
	}
	return funcs.DecodeRFC2047(s, funcs.RFC2047Decoding{LenCheck: check, Charset: charset, Zero: '?'})
}
