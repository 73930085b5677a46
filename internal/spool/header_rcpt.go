package spool

import (
	"strings"
)

// maxRecipients is Exim's sanity limit on the recipient count.
const maxRecipients = 16384

func (p *hparser) recipients(h *Header) error {
	l, err := p.next()
	if err != nil {
		return err
	}
	n, ok := scanInts(l, 1)
	if !ok || n[0] > maxRecipients || n[0] < 0 {
		return p.fail("bad recipient count %q", l)
	}
	h.Recipients = make([]Recipient, 0, n[0])
	for i := int64(0); i < n[0]; i++ {
		if l, err = p.next(); err != nil {
			return err
		}
		if l == "" {
			return p.fail("empty recipient line")
		}
		h.Recipients = append(h.Recipients, parseRecipient(l))
	}
	return nil
}

// parseRecipient reads a recipient line from its end, as Exim does, since
// addresses may contain spaces: the current format ends in "#flags" with
// flag 1 for "errors_to len,pno" and flag 2 for "orcpt len,dsnflags"
// before it; older formats end in " pno" or " x,pno,y".
func parseRecipient(l string) Recipient {
	r := Recipient{Address: l}
	end := len(l)
	for end > 0 && isDigit(l[end-1]) {
		end--
	}
	if end == 0 || end == len(l) {
		return r
	}
	switch l[end-1] {
	case ',':
		return exim3Recipient(l, end-1)
	case ' ':
		pno := atoi(l[end:])
		return Recipient{Address: l[:end-1], OneTimeParent: pno + 1}
	case '#':
		return currentRecipient(l[:end-1], atoi(l[end:]))
	}
	return r
}

func exim3Recipient(l string, comma int) Recipient {
	i := comma
	for i > 0 && (isDigit(l[i-1]) || l[i-1] == ',') {
		i--
	}
	if i == 0 || l[i-1] != ' ' {
		return Recipient{Address: l}
	}
	r := Recipient{Address: l[:i-1]}
	if n, ok := scanInts(strings.ReplaceAll(l[i:], ",", " "), 2); ok {
		r.OneTimeParent = int(n[1]) + 1
	}
	return r
}

// currentRecipient reads the extra fields before "#flags" in s.
func currentRecipient(s string, flags int) Recipient {
	r := Recipient{}
	if flags&1 != 0 {
		var n [2]int
		s, r.ErrorsTo, n = trailingField(s)
		r.OneTimeParent = n[1] + 1
	}
	if flags&2 != 0 {
		var n [2]int
		s, r.ORCPT, n = trailingField(s)
		r.DSNFlags = n[1]
	}
	r.Address = s
	return r
}

// trailingField splits "rest field len,num" into rest, field and the two
// numbers; field is the len bytes before " len,num".
func trailingField(s string) (rest, field string, nums [2]int) {
	i := len(s)
	for i > 0 && (isDigit(s[i-1]) || s[i-1] == ',' || s[i-1] == '-') {
		i--
	}
	if v, ok := scanInts(strings.Replace(s[i:], ",", " ", 1), 2); ok {
		nums = [2]int{int(v[0]), int(v[1])}
	}
	rest = s[:max(i-1, 0)]
	if n := nums[0]; n > 0 && n <= len(rest) {
		field = rest[len(rest)-n:]
		rest = rest[:len(rest)-n]
	}
	return rest[:max(len(rest)-1, 0)], field, nums
}

// headers reads the blank line, then each header as "NNNc text", NNN
// being the length of the text.
func (p *hparser) headers(h *Header) error {
	p.inHeaders = true
	l, err := p.next()
	if err != nil {
		return err
	}
	if l != "" {
		return p.fail("no blank line before the headers")
	}
	for p.pos < len(p.data) {
		hl, err := p.header()
		if err != nil {
			return err
		}
		h.Headers = append(h.Headers, hl)
	}
	return nil
}

func (p *hparser) header() (HeaderLine, error) {
	d := p.data
	i := p.pos
	for i < len(d) && isDigit(d[i]) {
		i++
	}
	if i == p.pos {
		return HeaderLine{}, p.fail("header length missing")
	}
	n := atoi(string(d[p.pos:i]))
	if i >= len(d) {
		return HeaderLine{}, p.fail("header cut short")
	}
	typ := d[i]
	i++
	// fscanf's " " after the type letter skips any white space.
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	if i+n > len(d) {
		return HeaderLine{}, p.fail("header cut short")
	}
	text := d[i : i+n]
	if strings.IndexByte(string(text), 0) >= 0 {
		return HeaderLine{}, p.fail("binary zero in header")
	}
	p.pos = i + n
	return HeaderLine{Type: typ, Text: string(text)}, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
