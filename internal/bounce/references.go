package bounce

import (
	"strings"

	"exigo/internal/spool"
)

// maxReferences is how many ids a References: line keeps: the first (the
// thread's root) and the latest ones.
const maxReferences = 12

// references is the References: line Exim adds to its notices
// (moan_write_references): the message's References: (or In-Reply-To:)
// ids, then its Message-ID; nothing when it has none of them.
func references(headers []spool.HeaderLine) string {
	messageID := ""
	for _, h := range headers {
		if h.Type == spool.HeaderMessageID {
			messageID = strings.TrimLeft(afterColon(h.Text), " \t\n")
		}
	}
	ref := findHeader(headers, "References:")
	if ref == nil {
		ref = findHeader(headers, "In-Reply-To:")
	}
	if ref == nil && messageID == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("References:")
	if ref != nil {
		for _, id := range keptIDs(afterColon(ref.Text)) {
			b.WriteString(" " + id)
		}
	}
	if messageID != "" {
		b.WriteString(" " + messageID) // keeps its newline
	} else {
		b.WriteString("\n")
	}
	return b.String()
}

func afterColon(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// findHeader finds a header that is not deleted, by name with its colon.
func findHeader(headers []spool.HeaderLine, name string) *spool.HeaderLine {
	for i, h := range headers {
		if h.Type != spool.HeaderOld && len(h.Text) >= len(name) && strings.EqualFold(h.Text[:len(name)], name) {
			return &headers[i]
		}
	}
	return nil
}

// keptIDs parses message ids until one is malformed, keeping the first
// and the last eleven.
func keptIDs(s string) []string {
	var ids []string
	for s != "" {
		id, rest, ok := parseMessageID(s)
		if !ok {
			break
		}
		if len(ids) == maxReferences {
			ids = append(ids[:1], ids[2:]...)
		}
		ids = append(ids, id)
		s = rest
	}
	return ids
}

// parseMessageID reads "<left@right>" after optional white space and
// comments, returning it without white space or comments inside.
func parseMessageID(s string) (id, rest string, ok bool) {
	s = skipCFWS(s)
	if s == "" || s[0] != '<' {
		return "", "", false
	}
	var b strings.Builder
	b.WriteByte('<')
	s = s[1:]
	for s != "" && s[0] != '>' {
		switch {
		case s[0] == '"':
			end := quotedEnd(s)
			b.WriteString(s[:end])
			s = s[end:]
		case s[0] == '(' || isSpace(s[0]):
			s = skipCFWS(s)
		default:
			b.WriteByte(s[0])
			s = s[1:]
		}
	}
	v := b.String()
	if s == "" || !strings.Contains(v, "@") || strings.HasSuffix(v, "@") {
		return "", "", false
	}
	return v + ">", skipCFWS(s[1:]), true
}

// quotedEnd is the length of the quoted string at the start of s.
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(s)
}

// skipCFWS skips white space and (nested) comments.
func skipCFWS(s string) string {
	for s != "" {
		switch {
		case isSpace(s[0]):
			s = s[1:]
		case s[0] == '(':
			depth := 0
			i := 0
			for ; i < len(s); i++ {
				if s[i] == '\\' {
					i++
					continue
				}
				if s[i] == '(' {
					depth++
				} else if s[i] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			s = s[min(i+1, len(s)):]
		default:
			return s
		}
	}
	return s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
