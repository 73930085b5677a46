package mime

import (
	"os"
	"path/filepath"
	"strings"
)

// Where a part stands for $mime_is_coverletter (Exim's MBC_* contexts).
const (
	kindAttachment = iota // all parts are attachments
	kindOneshot           // the first part is the cover letter
	kindAll               // all parts are the cover letter
)

// maxDepth bounds multipart nesting. Exim 4.96 has no limit; this one
// only protects the stack against hostile messages.
const maxDepth = 1000

// Summary is what the walk leaves for the DATA ACL: $mime_part_count,
// $mime_is_rfc822 and $mime_is_coverletter keep their last values.
type Summary struct {
	Count         int
	IsRFC822      bool
	IsCoverletter bool
}

// walker holds the state of one walk over a message and the messages
// attached to it.
type walker struct {
	msg   *Message
	check func(*Part) bool
	Summary
}

// context is a multipart's boundary and how its parts count.
type context struct {
	boundary string
	kind     int
	depth    int
}

// Walk runs check for every MIME part of the message, in order, as Exim
// runs the MIME ACL (receive.c's run_mime_acl): the outermost part first,
// then the parts of each multipart, depth first; after that, each
// attached message (message/rfc822 part, decoded to the scan directory)
// is walked in the same way with IsRFC822 set and its own part count.
// check returns false to stop (the ACL did not accept); Walk then reports
// completed false. The mbox copy is made first: an error from that means
// the message cannot be scanned.
func (m *Message) Walk(check func(*Part) bool) (s Summary, completed bool, err error) {
	f, err := m.Spool()
	if err != nil {
		return Summary{Count: -1}, false, err
	}
	w := &walker{msg: m, check: check}
	saved, rfc822 := -1, ""
	for {
		w.Count = -1
		completed = w.walk(newStream(f), nil)
		f.Close()
		if rfc822 != "" {
			w.Count = saved
			if os.Remove(rfc822) != nil {
				m.panicf("acl_smtp_mime: can't unlink RFC822 spool file, skipping.")
				return w.Summary, completed, nil
			}
		}
		if !completed {
			return w.Summary, false, nil
		}
		if rfc822 = m.attachedMessage(); rfc822 == "" {
			return w.Summary, true, nil
		}
		if f, err = os.Open(rfc822); err != nil {
			m.panicf("acl_smtp_mime: can't open RFC822 spool file, skipping.")
			os.Remove(rfc822)
			return w.Summary, true, nil
		}
		w.IsRFC822, saved = true, w.Count
	}
}

// attachedMessage is an attached message waiting to be walked ("" if
// none): the first the directory lists (unsorted, as Exim's readdir sees
// them, so that the order is the same as Exim's on the same file system).
func (m *Message) attachedMessage() string {
	d, err := os.Open(m.Dir())
	if err != nil {
		return ""
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(64)
		for _, n := range names {
			if hasPrefixFold(n, "__rfc822_") {
				return filepath.Join(m.Dir(), n)
			}
		}
		if err != nil {
			return ""
		}
	}
}

// walk is Exim's mime_acl_check: the parts at one level (ctx nil: the
// single part at the start of a message). It reports false when check
// did.
func (w *walker) walk(s *stream, ctx *context) bool {
	if ctx != nil && ctx.depth > maxDepth {
		return true
	}
	for {
		if ctx != nil && !skipToBoundary(s, ctx.boundary) {
			return true
		}
		p := w.readPart(s, ctx)
		if !w.check(p) {
			return false
		}
		if strings.HasPrefix(p.ContentType, "multipart") && p.Boundary != "" {
			if !w.walk(s, w.nested(p, ctx)) {
				return false
			}
		} else if strings.HasPrefix(p.ContentType, "message/rfc822") {
			w.saveAttachedMessage(p)
		}
		if ctx == nil {
			return true
		}
		if ctx.kind == kindOneshot {
			ctx.kind = kindAttachment
		}
	}
}

// skipToBoundary reads up to the next "--boundary" line; false at the
// end of the file or at the closing "--boundary--".
func skipToBoundary(s *stream, boundary string) bool {
	for {
		line := s.gets(maxHeaderSize)
		if line == nil {
			return false
		}
		l := cString(line)
		if len(l) < 2+len(boundary) || string(l[:2]) != "--" || string(l[2:2+len(boundary)]) != boundary {
			continue
		}
		rest := l[2+len(boundary):]
		return !(len(rest) >= 2 && rest[0] == '-' && rest[1] == '-')
	}
}

// readPart reads a part's header lines and sets its variables.
func (w *walker) readPart(s *stream, ctx *context) *Part {
	p := &Part{msg: w.msg, src: s}
	if ctx != nil {
		p.boundary = ctx.boundary
	}
	for {
		h, more := readHeader(s)
		if !more {
			break
		}
		p.addHeader(string(h))
	}
	p.IsMultipart = strings.HasPrefix(p.ContentType, "multipart")
	w.Count++
	p.Count = w.Count
	p.IsRFC822 = w.IsRFC822
	p.IsCoverletter = !(ctx != nil && ctx.kind == kindAttachment)
	w.IsCoverletter = p.IsCoverletter
	return p
}

// nested is the context for the parts of multipart p: attachments stay
// attachments; alternative and related cover letters are cover letters
// throughout; in other multiparts only the first part is.
func (w *walker) nested(p *Part, ctx *context) *context {
	n := &context{boundary: p.Boundary, kind: kindOneshot}
	if ctx != nil {
		n.depth = ctx.depth + 1
	}
	switch {
	case ctx != nil && ctx.kind == kindAttachment:
		n.kind = kindAttachment
	case p.ContentType == "multipart/alternative" || p.ContentType == "multipart/related":
		n.kind = kindAll
	}
	return n
}

// saveAttachedMessage decodes a message/rfc822 part to the first free
// __rfc822_NNNNN in the scan directory, to be walked later. With 127
// such files already there, Exim skips the part. (Exim would defer if it
// could not even name the file, which cannot happen; a file it cannot
// write is just not walked.)
func (w *walker) saveAttachedMessage(p *Part) {
	if name, ok := nextFreeName(w.msg.Dir(), "__rfc822_%05d", 127); ok {
		p.decodeTo(name)
	}
}
