package mime

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Message is a message being content-scanned. As in Exim, the scanning
// works on an mbox-style copy of the message, made on first use in
// $spool_directory/scan/<id>/<id>.eml; decoded parts go to the same
// directory, which Unspool removes.
type Message struct {
	SpoolDir string // $spool_directory
	ID       string
	// WriteMbox writes the copy's content: the "From " line and
	// envelope lines, the header lines, a blank line and the body.
	WriteMbox func(w io.Writer) error
	// Logf and Panicf write a line to the main and the panic log.
	Logf, Panicf func(format string, args ...any)
	// LongWords: decode RFC 2047 words longer than 75 characters too
	// (check_rfc2047_length = false).
	LongWords bool

	spooled bool
}

// Dir is the scan directory.
func (m *Message) Dir() string { return filepath.Join(m.SpoolDir, "scan", m.ID) }

// MboxPath is the mbox copy's name.
func (m *Message) MboxPath() string { return filepath.Join(m.Dir(), m.ID+".eml") }

// Spool makes the mbox copy if it is not there yet (Exim's spool_mbox),
// logging failures as Exim does, and opens it.
func (m *Message) Spool() (*os.File, error) {
	if !m.spooled {
		if err := m.writeMbox(); err != nil {
			m.logf("%s", err)
			return nil, err
		}
		m.spooled = true
	}
	f, err := os.Open(m.MboxPath())
	if err != nil {
		err = fmt.Errorf("failed to open scan file %s: %s", m.MboxPath(), errText(err))
		m.logf("%s", err)
	}
	return f, err
}

func (m *Message) writeMbox() error {
	if err := os.MkdirAll(m.Dir(), 0o750); err != nil {
		return fmt.Errorf("failed to create scan directory %s: %s", m.Dir(), errText(err))
	}
	f, err := os.OpenFile(m.MboxPath(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return fmt.Errorf("failed to open scan file %s: %s", m.MboxPath(), errText(err))
	}
	err = m.WriteMbox(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("Error/short write while writing message to %s", m.MboxPath())
	}
	return nil
}

// Unspool removes the scan directory and the files in it (Exim's
// unspool_mbox); keep leaves them (control = no_mbox_unspool).
func (m *Message) Unspool(keep bool) {
	if !m.spooled {
		return
	}
	m.spooled = false
	if keep {
		return
	}
	dir := m.Dir()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.Remove(filepath.Join(dir, e.Name()))
	}
	os.Remove(dir)
}

func (m *Message) logf(format string, args ...any) {
	if m.Logf != nil {
		m.Logf(format, args...)
	}
}

func (m *Message) panicf(format string, args ...any) {
	if m.Panicf != nil {
		m.Panicf(format, args...)
	}
}

// errText is strerror's text for a file error.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	s := err.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-32) + s[1:]
	}
	return s
}

// EachLine gives the lines of the mbox copy (made if need be), of up to
// size-1 bytes each, until fn returns false: what the regex condition
// matches outside the MIME ACL.
func (m *Message) EachLine(size int, fn func(line []byte) bool) error {
	f, err := m.Spool()
	if err != nil {
		return err
	}
	defer f.Close()
	s := newStream(f)
	for line := s.gets(size); line != nil; line = s.gets(size) {
		if !fn(cString(line)) {
			break
		}
	}
	return nil
}
