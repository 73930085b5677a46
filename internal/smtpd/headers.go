package smtpd

import (
	"strings"

	"exigo/internal/acl"
	"exigo/internal/spool"
)

// message is a received message's header lines as the spool keeps them.
type message struct {
	lines []spool.HeaderLine
}

// headerType gives the spool flag of a header line by its name.
func headerType(text string) byte {
	name := headerName(text)
	switch strings.ToLower(name) {
	case "bcc":
		return spool.HeaderBcc
	case "cc":
		return spool.HeaderCc
	case "from":
		return spool.HeaderFrom
	case "message-id":
		return spool.HeaderMessageID
	case "received":
		return spool.HeaderReceived
	case "reply-to":
		return spool.HeaderReplyTo
	case "sender":
		return spool.HeaderSender
	case "to":
		return spool.HeaderTo
	}
	return spool.HeaderOther
}

func headerName(text string) string {
	i := strings.IndexByte(text, ':')
	if i < 0 {
		return ""
	}
	return strings.TrimRight(text[:i], " \t")
}

// Header and AllHeaders give the headers to expansions ($h_name:,
// $message_headers).
func (m *message) Header(name string) []string { return spool.HeaderLines(m.lines).Header(name) }

func (m *message) AllHeaders() []string { return spool.HeaderLines(m.lines).AllHeaders() }

func (m *message) has(name string) bool {
	for _, l := range m.lines {
		if l.Type != spool.HeaderOld && strings.EqualFold(headerName(l.Text), name) {
			return true
		}
	}
	return false
}

// remove marks every live header of these names deleted.
func (m *message) remove(names []string) {
	for i := range m.lines {
		if m.lines[i].Type == spool.HeaderOld {
			continue
		}
		n := headerName(m.lines[i].Text)
		for _, want := range names {
			if strings.EqualFold(n, want) {
				m.lines[i].Type = spool.HeaderOld
			}
		}
	}
}

// applyACL adds and removes the header lines ACLs asked for, placing
// each as Exim's add_acl_headers does.
func (m *message) applyACL(add []acl.AddedHeader, remove []string) {
	if len(remove) > 0 {
		m.remove(remove)
	}
	for _, h := range add {
		line := spool.HeaderLine{Type: headerType(h.Text), Text: h.Text}
		switch h.Position {
		case "at_start":
			m.lines = append([]spool.HeaderLine{line}, m.lines...)
		case "after_received":
			i := 0
			for i < len(m.lines) && !isName(m.lines[i].Text, "received") {
				i++
			}
			for i < len(m.lines) && isName(m.lines[i].Text, "received") {
				i++
			}
			m.insert(i, line)
		case "at_start_rfc":
			i := 1
			for i < len(m.lines) && (isName(m.lines[i].Text, "received") || strings.HasPrefix(strings.ToLower(m.lines[i].Text), "resent-")) {
				i++
			}
			if len(m.lines) == 0 {
				i = 0
			}
			m.insert(i, line)
		default:
			m.lines = append(m.lines, line)
		}
	}
}

func (m *message) insert(i int, line spool.HeaderLine) {
	if i > len(m.lines) {
		i = len(m.lines)
	}
	m.lines = append(m.lines, spool.HeaderLine{})
	copy(m.lines[i+1:], m.lines[i:])
	m.lines[i] = line
}

func isName(text, name string) bool { return strings.EqualFold(headerName(text), name) }

// value is the first live header's value, trimmed.
func (m *message) value(name string) (string, bool) {
	v := m.Header(name)
	if len(v) == 0 {
		return "", false
	}
	return strings.TrimSpace(v[0]), true
}
