package lookup

import (
	"strconv"
	"strings"
	"time"
)

// Modes for temporary errors and DNSSEC, as dnsdb's modifiers name them.
type dnsMode int

const (
	modeLax dnsMode = iota
	modeStrict
	modeNever
)

// dnsdbQuery is a parsed dnsdb query.
type dnsdbQuery struct {
	outSep    byte    // between records (default newline)
	fieldSep  *string // between fields of one record; nil: type's default
	deferMode dnsMode
	dnssec    dnsMode
	timeout   time.Duration // 0: resolver default
	retries   int           // 0: resolver default
	typ       string        // lower-case type name (txt when none given)
	list      string        // the domains (an Exim list)
}

// dnsdbTypes are the record types (and pseudo-types) dnsdb knows.
var dnsdbTypes = map[string]bool{
	"a": true, "a+": true, "aaaa": true, "cname": true, "csa": true, "mx": true,
	"mxh": true, "ns": true, "ptr": true, "soa": true, "spf": true, "srv": true,
	"tlsa": true, "txt": true, "zns": true,
}

// parseDnsdbQuery reads "[>s[,f|;]] [modifier,]... [type=]domain-list".
// Errors are DEFERs with Exim's texts.
func parseDnsdbQuery(q string) (dnsdbQuery, error) {
	d := dnsdbQuery{outSep: '\n', typ: "txt"}
	q = q[skipSpace(q, 0):]
	if strings.HasPrefix(q, ">") {
		q = d.parseSeparators(q)
	}
	q, err := d.parseModifiers(q)
	if err != nil {
		return d, err
	}
	if eq := strings.IndexByte(q, '='); eq >= 0 {
		name := strings.ToLower(strings.TrimRightFunc(q[:eq], func(r rune) bool { return r < 0x80 && isSpace(byte(r)) }))
		if !dnsdbTypes[name] {
			return d, &DeferError{Msg: "unsupported DNS record type"}
		}
		d.typ = name
		q = q[eq+1:]
		q = q[skipSpace(q, 0):]
	}
	d.list = q
	return d, nil
}

// parseSeparators reads ">s" and an optional ",f" or ";" after it.
func (d *dnsdbQuery) parseSeparators(q string) string {
	d.outSep = byteAt(q, 1)
	q = q[min(2, len(q)):]
	switch {
	case strings.HasPrefix(q, ","):
		f := string(byteAt(q, 1))
		if len(q) < 2 {
			f = ""
		}
		d.fieldSep = &f
		q = q[min(2, len(q)):]
	case strings.HasPrefix(q, ";"):
		f := ""
		d.fieldSep = &f
		q = q[1:]
	}
	return q[skipSpace(q, 0):]
}

func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// parseModifiers reads the comma-terminated modifiers.
func (d *dnsdbQuery) parseModifiers(q string) (string, error) {
	for {
		var err error
		switch {
		case hasPrefixFold(q, "defer_"):
			q, err = parseMode(q[6:], &d.deferMode, "unsupported dnsdb defer behaviour")
		case hasPrefixFold(q, "dnssec_"):
			q, err = parseMode(q[7:], &d.dnssec, "unsupported dnsdb dnssec behaviour")
		case hasPrefixFold(q, "retrans_"):
			q, err = d.parseRetrans(q[8:])
		case hasPrefixFold(q, "retry_"):
			q, err = d.parseRetry(q[6:])
		default:
			return q, nil
		}
		if err != nil {
			return q, err
		}
		q = q[skipSpace(q, 0):]
		if !strings.HasPrefix(q, ",") {
			return q, &DeferError{Msg: "dnsdb modifier syntax error"}
		}
		q = q[skipSpace(q, 1):]
	}
}

func parseMode(q string, m *dnsMode, bad string) (string, error) {
	for _, c := range []struct {
		word string
		mode dnsMode
	}{{"strict", modeStrict}, {"lax", modeLax}, {"never", modeNever}} {
		if hasPrefixFold(q, c.word) {
			*m = c.mode
			return q[len(c.word):], nil
		}
	}
	return q, &DeferError{Msg: bad}
}

func (d *dnsdbQuery) parseRetrans(q string) (string, error) {
	end := strings.IndexByte(q, ',')
	if end < 0 {
		end = len(q)
	}
	secs, ok := parseEximTime(strings.TrimSpace(q[:end]))
	if !ok || secs <= 0 {
		return q, &DeferError{Msg: "unsupported dnsdb timeout value"}
	}
	d.timeout = time.Duration(secs) * time.Second
	return q[end:], nil
}

func (d *dnsdbQuery) parseRetry(q string) (string, error) {
	i := 0
	for i < len(q) && (isDigit(q[i]) || (i == 0 && (q[i] == '-' || q[i] == '+'))) {
		i++
	}
	n, err := strconv.ParseInt(q[:i], 0, 32)
	if err != nil && i > 0 {
		n = -1
	}
	if n < 0 {
		return q, &DeferError{Msg: "unsupported dnsdb retry count"}
	}
	d.retries = int(n)
	return q[i:], nil
}

// parseEximTime reads an Exim time such as "5s", "1m30s" or "2" (seconds).
func parseEximTime(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	total := 0
	for s != "" {
		i := 0
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:i])
		s = s[i:]
		mult := 1
		if s != "" {
			m, ok := map[byte]int{'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}[s[0]]
			if !ok {
				return 0, false
			}
			mult, s = m, s[1:]
		}
		total += n * mult
	}
	return total, true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// nextInList takes the next item off an Exim list. *sep is 0 before the
// first call (then ':' or a "<c" change applies) and -1 for "no separator".
func nextInList(s *string, sep *int) (string, bool) {
	str := *s
	i := skipSpace(str, 0)
	if *sep == 0 {
		*sep = ':'
		if i+1 < len(str) && str[i] == '<' && (isPunct(str[i+1]) || str[i+1] < ' ' || str[i+1] == 0x7f) {
			*sep = int(str[i+1])
			i = skipSpace(str, i+2)
		}
	}
	if i >= len(str) {
		*s = ""
		return "", false
	}
	var b strings.Builder
	for ; i < len(str); i++ {
		if int(str[i]) == *sep {
			if i+1 < len(str) && int(str[i+1]) == *sep {
				b.WriteByte(str[i])
				i++
				continue
			}
			i++
			break
		}
		b.WriteByte(str[i])
	}
	*s = str[i:]
	item := b.String()
	end := len(item)
	for end > 0 && isSpace(item[end-1]) {
		end--
	}
	return item[:end], true
}
