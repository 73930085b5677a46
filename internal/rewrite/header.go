package rewrite

import (
	"strings"

	"exigo/internal/address"
)

// HeaderFlag is the flag of the header line text (From:, Resent-From:,
// Reply-To: ...), or 0 for a header that holds no addresses to rewrite.
func HeaderFlag(text string) Flag {
	i := strings.IndexByte(text, ':')
	if i < 0 {
		return 0
	}
	name := strings.ToLower(strings.TrimRight(text[:i], " \t"))
	name = strings.TrimPrefix(name, "resent-")
	switch name {
	case "sender":
		return Sender
	case "from":
		return From
	case "to":
		return To
	case "cc":
		return Cc
	case "bcc":
		return Bcc
	case "reply-to":
		return ReplyTo
	}
	return 0
}

// Allow says whose unqualified header addresses may be qualified:
// those of a local message, or of a host in sender_unqualified_hosts
// (Sender:, From:, Reply-To:) or recipient_unqualified_hosts (the rest).
// Other unqualified addresses are neither qualified nor rewritten.
type Allow struct{ Sender, Recipient bool }

// Header is Exim's rewrite_one_header: every address of the header line
// text ("Name: value\n", folding included) is qualified if allowed and
// rewritten by the rules for its kind. It returns the new text and
// whether anything changed. A rewritten address that made the line
// longer and ends more than 40 characters after the last inserted
// newline is followed by a new fold ("\n\t"), as Exim does.
func (e *Env) Header(rules Rules, text string, q Allow) (string, bool) {
	flag := HeaderFlag(text)
	if flag == 0 {
		return text, false
	}
	colon := strings.IndexByte(text, ':')
	pos := skipSpace(text, colon+1)
	scan := address.Options{}.NewHeaderScan()
	changed, lastNewline := false, 0
	for pos < len(text) {
		ss := pos + address.FindEnd(text[pos:], false)
		p, start, end, err := scan.Next(text[pos:ss])
		sprev := pos
		next := ss
		if next < len(text) {
			next++
		}
		next = skipSpace(text, next)
		pos = next
		if err != nil {
			continue
		}
		nv, ok := e.headerAddress(rules, flag, p.Address, q)
		if !ok {
			continue
		}
		if nv.Whole {
			start, end = 0, ss-sprev
			if end > 0 && text[sprev+end-1] == '\n' {
				end--
			}
		}
		text, pos, lastNewline = rebuild(text, sprev, start, end, next, nv.Address, lastNewline)
		changed = true
	}
	return text, changed
}

// headerAddress qualifies and rewrites one header address; ok is false
// when it is to be left alone.
func (e *Env) headerAddress(rules Rules, flag Flag, addr string, q Allow) (Result, bool) {
	isRecipient := flag&(Sender|From|ReplyTo) == 0
	domain, allowed := e.QualifySender, q.Sender
	if isRecipient {
		domain, allowed = e.QualifyRecipient, q.Recipient
	}
	res := Result{Address: qualify(addr, domain)}
	changed := res.Address != addr
	if changed && !allowed {
		return res, false
	}
	if rules.Exist&flag != 0 {
		r := e.One(rules, res.Address, flag)
		if r.Rewritten {
			res, changed = r, true
		}
	}
	return res, changed
}

// rebuild puts nv in place of text[sprev+start:sprev+end] and returns
// the new text, where scanning goes on, and the last fold position.
func rebuild(text string, sprev, start, end, next int, nv string, lastNewline int) (string, int, int) {
	oldLen := end - start
	var b strings.Builder
	b.WriteString(text[:sprev+start])
	b.WriteString(nv)
	if rem := next - (sprev + end); rem > 0 {
		b.WriteString(text[sprev+end : next])
	}
	if len(nv) > oldLen && b.Len()-lastNewline > 40 {
		k := next - 1
		for k >= 0 && (text[k] == ' ' || text[k] == '\t') {
			k--
		}
		if k < 0 || text[k] != '\n' {
			lastNewline = b.Len()
			b.WriteString("\n\t")
		}
	}
	b.WriteString(text[next:])
	// Exim goes on from the old offset moved by the length change only,
	// so the fold it inserted is scanned again as white space.
	return b.String(), next - oldLen + len(nv), lastNewline
}

func skipSpace(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++
	}
	return i
}
