package spool

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"exigo/internal/plainfile"
)

// FormatError is a -H file Exim would report as a spool format error.
// InHeaders tells whether the envelope was read whole (Exim's
// spool_read_hdrerror): ReadHeaderFile then returns it with the Header.
type FormatError struct {
	Path      string
	InHeaders bool
	Reason    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("format error in spool file %s: %s", e.Path, e.Reason)
}

// ReadHeaderFile reads a -H file as Exim 4.96's spool_read_header does;
// BodySize is left 0 (ReadHeader sets it from the -D file). On a
// *FormatError with InHeaders set the returned Header holds the envelope
// and the headers read before the error.
func ReadHeaderFile(path string) (*Header, error) {
	data, err := plainfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	h, err := ParseHeader(data, filepath.Base(path))
	if fe := (*FormatError)(nil); errors.As(err, &fe) {
		fe.Path = path
	}
	return h, err
}

// ParseHeader parses the content of a -H file whose name is name
// ("<id>-H"); the first line must be that name.
func ParseHeader(data []byte, name string) (*Header, error) {
	p := &hparser{data: data}
	h := &Header{}
	if err := p.envelope(h, name); err != nil {
		return nil, err
	}
	if err := p.recipients(h); err != nil {
		return nil, err
	}
	if err := p.headers(h); err != nil {
		return h, err
	}
	return h, nil
}

type hparser struct {
	data      []byte
	pos       int
	inHeaders bool
}

var errEOF = errors.New("unexpected end of file")

func (p *hparser) fail(format string, args ...any) error {
	return &FormatError{InHeaders: p.inHeaders, Reason: fmt.Sprintf(format, args...)}
}

// next returns the next line without its newline.
func (p *hparser) next() (string, error) {
	if p.pos >= len(p.data) {
		return "", p.fail("%v", errEOF)
	}
	rest := p.data[p.pos:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		p.pos = len(p.data)
		return string(rest), nil
	}
	p.pos += i + 1
	return string(rest[:i]), nil
}

func (p *hparser) envelope(h *Header, name string) error {
	l, err := p.next()
	if err != nil {
		return err
	}
	if len(l) != IDLength+2 || len(name) < IDLength+2 || l != name[:IDLength+2] {
		return p.fail("first line %q is not the file name", l)
	}
	h.ID = l[:IDLength]
	if l, err = p.next(); err != nil {
		return err
	}
	if h.Originator, h.UID, h.GID, err = p.originator(l); err != nil {
		return err
	}
	if l, err = p.next(); err != nil {
		return err
	}
	if len(l) < 2 || l[0] != '<' || l[len(l)-1] != '>' {
		return p.fail("bad sender line %q", l)
	}
	h.Sender = l[1 : len(l)-1]
	if l, err = p.next(); err != nil {
		return err
	}
	nums, ok := scanInts(l, 2)
	if !ok {
		return p.fail("bad time line %q", l)
	}
	h.Received = time.Unix(nums[0], 0)
	h.WarningCount = int(nums[1])
	return p.options(h)
}

// originator splits "login uid gid", reading the numbers from the right
// as the login may contain spaces.
func (p *hparser) originator(l string) (string, int, int, error) {
	s := strings.TrimRight(l, " \t\r\v\f")
	var ids [2]int
	for i := 1; i >= 0; i-- {
		j := len(s)
		for j > 0 && (isDigit(s[j-1]) || s[j-1] == '-') {
			j--
		}
		if j == len(s) || !isDigit(s[len(s)-1]) || j == 0 || s[j-1] != ' ' {
			return "", 0, 0, p.fail("bad originator line %q", l)
		}
		n, _ := scanInts(s[j:], 1)
		ids[i] = int(n[0])
		s = s[:j-1]
	}
	return s, ids[0], ids[1], nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanInts reads n integers separated by white space as sscanf's %d does,
// ignoring what follows.
func scanInts(s string, n int) ([]int64, bool) {
	out := make([]int64, 0, n)
	for len(out) < n {
		s = strings.TrimLeft(s, " \t\n\r\v\f")
		j := 0
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == j {
			return out, false
		}
		v, _ := strconv.ParseInt(s[:k], 10, 64)
		out = append(out, v)
		s = s[k:]
	}
	return out, true
}

// atoi is C's atoi: leading digits, 0 when there are none.
func atoi(s string) int {
	v, ok := scanInts(s, 1)
	if !ok {
		return 0
	}
	return int(v[0])
}

// options reads the "-" lines; the line after them starts the
// non-recipients tree.
func (p *hparser) options(h *Header) error {
	for {
		l, err := p.next()
		if err != nil {
			return err
		}
		if l == "" || l[0] != '-' {
			return p.tree(h, l)
		}
		if err := p.option(h, l); err != nil {
			return err
		}
	}
}

func (p *hparser) tree(h *Header, first string) error {
	if first == "XX" {
		return nil
	}
	t, err := readTree(first, p.next)
	if err != nil {
		return p.fail("%v", err)
	}
	h.NonRecipients = t
	return nil
}
