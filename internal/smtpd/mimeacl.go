package smtpd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"exigo/internal/acl"
	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/mime"
	"exigo/internal/spool"
)

// Content scanning (Exim's WITH_CONTENT_SCAN): the MIME ACL runs once per
// MIME part before the DATA ACL, and the regex, mime_regex and decode
// conditions look at the message. Like Exim, they work on an mbox copy
// of the message in $spool_directory/scan/<id>/, made when first needed
// and removed after the DATA ACL (unless control = no_mbox_unspool).

// mboxPrefix is the start of the mbox copy, as Exim's spool_mbox has it.
const mboxPrefix = "From ${if def:return_path{$return_path}{MAILER-DAEMON}} ${tod_bsdinbox}\n" +
	"${if def:sender_address{X-Envelope-From: <${sender_address}>\n}}" +
	"${if def:recipients{X-Envelope-To: ${recipients}\n}}"

// scanWanted tells, once the headers are read, whether the body must be
// kept for content scanning: the MIME ACL will run (a Content-Type:
// line, possibly one an earlier ACL adds), or an ACL may use regex.
func (s *session) scanWanted(headers []string) bool {
	cfg := s.srv.Config
	if !s.nonSMTP && cfg.String("acl_smtp_mime") != "" {
		for _, h := range headers {
			if hasPrefixFold(h, "content-type:") {
				return true
			}
		}
		for _, h := range s.state.AddHeaders {
			if hasPrefixFold(h.Text, "content-type:") {
				return true
			}
		}
	}
	return mayUseRegex(cfg)
}

// mayUseRegex: a named ACL tests regex, or an ACL given inline, in a
// file or by an expansion (not looked into) may.
func mayUseRegex(cfg *conf.Config) bool {
	for _, a := range cfg.ACLs {
		for _, st := range a.Statements {
			for _, it := range st.Items {
				if it.Name == "regex" {
					return true
				}
			}
		}
	}
	for _, opt := range []string{"acl_smtp_data", "acl_not_smtp", "acl_smtp_mime"} {
		v := strings.TrimSpace(cfg.String(opt))
		if v == "" || cfg.ACLs[v] != nil {
			continue
		}
		if strings.Contains(v, "regex") || strings.ContainsAny(v, "/$") {
			return true
		}
	}
	return false
}

// hasContentType: the MIME ACL runs for messages with a live header line
// starting "Content-Type:".
func hasContentType(msg *message) bool {
	for _, l := range msg.lines {
		if l.Type != spool.HeaderOld && hasPrefixFold(l.Text, "content-type:") {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// spoolDir is $spool_directory: the spool's, or under -bh (no spool
// opened) the configured one, as Exim uses it.
func (s *session) spoolDir() string {
	if s.srv.Spool != nil {
		return s.srv.Spool.Dir
	}
	return s.srv.Config.String("spool_directory")
}

// startScan makes the message available to the content-scanning
// conditions; nil when its body was not kept.
func (s *session) startScan(msg *message, body *bodyCopy) *mime.Message {
	if body == nil {
		return nil
	}
	id := s.messageID
	m := &mime.Message{
		SpoolDir:  s.spoolDir(),
		ID:        id,
		LongWords: !s.srv.Config.Bool("check_rfc2047_length"),
		Logf:      func(f string, a ...any) { s.srv.Log.Main(id, fmt.Sprintf(f, a...)) },
		Panicf:    func(f string, a ...any) { s.srv.Log.Panic(id, fmt.Sprintf(f, a...)) },
		WriteMbox: func(w io.Writer) error { return s.writeMbox(w, msg, body) },
	}
	s.aclEnv.Scan = m
	return m
}

// endScan removes the mbox copy and what was decoded next to it.
func (s *session) endScan(m *mime.Message) {
	s.aclEnv.Scan, s.aclEnv.MIMEPart = nil, nil
	if m != nil {
		_, keep := s.state.Control("no_mbox_unspool")
		m.Unspool(keep)
	}
}

// writeMbox writes the mbox copy: the "From " and envelope lines, the
// header lines as they are now (deleted ones left out), a blank line and
// the body.
func (s *session) writeMbox(w io.Writer, msg *message, body *bodyCopy) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if prefix, err := s.ctx.Expand(mboxPrefix); err == nil {
		bw.WriteString(prefix)
	}
	for _, l := range msg.lines {
		if l.Type != spool.HeaderOld {
			bw.WriteString(l.Text)
		}
	}
	bw.WriteByte('\n')
	if err := body.writeTo(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// mimeACL runs acl_smtp_mime for each MIME part of a message that has a
// Content-Type: line, stopping at the first part it does not accept, and
// applies the header changes it asked for. replied says a failure to
// make the mbox copy was answered already (451, as Exim).
func (s *session) mimeACL(msg *message, scan *mime.Message) (out acl.Outcome, replied bool) {
	out = acl.Outcome{Result: acl.OK}
	if scan == nil || s.nonSMTP || s.srv.Config.String("acl_smtp_mime") == "" || len(s.recipients) == 0 || !hasContentType(msg) {
		return out, false
	}
	sum, _, err := scan.Walk(func(p *mime.Part) bool {
		s.aclEnv.MIMEPart = p
		acl.SetMIMEVars(s.state, p)
		out = s.checkACL(acl.WhereMIME, "")
		return out.Result == acl.OK
	})
	s.aclEnv.MIMEPart = nil
	if err != nil {
		s.srv.Log.Write(eximlog.Entry{To: eximlog.ToMain | eximlog.ToPanic, ID: s.messageID,
			Text: "acl_smtp_mime: error while creating mbox spool file, message temporarily rejected."})
		s.respond("451", true, "temporary local problem")
		return acl.Outcome{Result: acl.Defer}, true
	}
	acl.EndMIMEVars(s.state, sum)
	add, remove := s.state.TakeHeaders()
	msg.applyACL(add, remove)
	return out, false
}

// bodyCopy keeps the message body for the mbox copy: in memory, or past
// a limit in an unnamed file under the scan directory. Under -bh, where
// nothing is spooled, it all stays in memory.
type bodyCopy struct {
	mem   []byte
	limit int    // 0: no limit
	dir   string // where to spill
	file  *os.File
	err   error
}

const bodyMemLimit = 1 << 20

// Write never fails: a copy that cannot be kept makes the mbox copy
// fail later, which Exim answers with a 451, not the spool's failure.
func (b *bodyCopy) Write(p []byte) (int, error) {
	if b.err != nil {
		return len(p), nil
	}
	if b.file == nil && b.limit > 0 && len(b.mem)+len(p) > b.limit {
		b.spill()
	}
	if b.file != nil {
		_, b.err = b.file.Write(p)
		return len(p), nil
	}
	b.mem = append(b.mem, p...)
	return len(p), nil
}

// teeBody sends the body to the spool and, when kept, to the copy.
func teeBody(w io.Writer, b *bodyCopy) io.Writer {
	if b == nil {
		return w
	}
	return io.MultiWriter(w, b)
}

// spill moves the copy to a file that has no name (removed at once), so
// that nothing is left behind whatever happens.
func (b *bodyCopy) spill() {
	if err := os.MkdirAll(b.dir, 0o750); err != nil {
		b.err = err
		return
	}
	f, err := os.CreateTemp(b.dir, ".body-*")
	if err != nil {
		b.err = err
		return
	}
	os.Remove(f.Name())
	b.file = f
	_, b.err = f.Write(b.mem)
	b.mem = nil
}

func (b *bodyCopy) writeTo(w io.Writer) error {
	if b.err != nil {
		return b.err
	}
	if b.file == nil {
		_, err := w.Write(b.mem)
		return err
	}
	_, err := io.Copy(w, io.NewSectionReader(b.file, 0, 1<<62))
	return err
}

// discard frees the copy.
func (b *bodyCopy) discard() {
	if b == nil {
		return
	}
	if b.file != nil {
		b.file.Close()
		b.file = nil
	}
	b.mem = nil
}

// newBodyCopy is a body copy for the message being received, nil when
// no content scanning wants one.
func (s *session) newBodyCopy(headers []string) *bodyCopy {
	if !s.scanWanted(headers) {
		return nil
	}
	b := &bodyCopy{dir: filepath.Join(s.spoolDir(), "scan")}
	if !s.srv.HostCheck {
		b.limit = bodyMemLimit
	}
	return b
}
