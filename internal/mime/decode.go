package mime

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"exigo/internal/lists"
)

// ErrDecode is a decode that could not be done: a file that could not be
// written. The condition defers.
var ErrDecode = errors.New("MIME part could not be decoded to a file")

// Decode is the decode condition: it writes the part's content, decoded
// as its Content-Transfer-Encoding says, to a file, and sets
// DecodedFilename and ContentSize. option is the condition's expanded
// argument (the first item of a list): "0" or "false" decode nothing
// (false), "default" or "" a numbered file in the scan directory, a path
// of an existing directory a numbered file there, another absolute path
// that file, and a relative name that name in the scan directory.
// tainted says the argument came from message data: Exim 4.96 will not
// create files with such names (it logs them and defers).
func (p *Part) Decode(option string, tainted bool) (bool, error) {
	it := lists.NewIter(option)
	opt, given := it.Next()
	var name string
	switch {
	case given && (opt == "false" || opt == "0"):
		return false, nil
	case !given || opt == "default":
		name, _ = nextFreeName(p.msg.Dir(), p.msg.ID+"-%05d", 1024) // the last one anyway
		tainted = false
	case opt != "" && opt[0] == '/':
		if st, err := os.Stat(opt); err == nil && st.IsDir() {
			name, _ = nextFreeName(opt, p.msg.ID+"-%05d", 1024)
		} else {
			name = opt
		}
	default:
		name = p.msg.Dir() + "/" + opt
	}
	p.DecodedFilename = name
	if tainted {
		p.msg.logf("Tainted filename '%s'", name)
		return false, ErrDecode
	}
	n, err := p.decodeTo(name)
	if err != nil {
		return false, ErrDecode
	}
	p.ContentSize = (n + 1023) / 1024
	return true, nil
}

// nextFreeName is the first name dir/pattern (numbered from 0) that does
// not exist; after limit tries it gives the last one tried and false.
func nextFreeName(dir, pattern string, limit int) (string, bool) {
	var name string
	for n := 0; n < limit; n++ {
		name = dir + "/" + fmt.Sprintf(pattern, n)
		if _, err := os.Lstat(name); err != nil {
			return name, true
		}
	}
	return name, false
}

// decodeTo writes the decoded content to the named file and returns its
// size. The part's place in the message is kept.
func (p *Part) decodeTo(name string) (int64, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return 0, err
	}
	f.Chmod(0o640) // whatever the umask, as Exim's modefopen
	w := bufio.NewWriterSize(f, 32<<10)
	pos := p.src.tell()
	n, err := p.decoder()(p, w)
	p.src.seek(pos)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// decoder picks the decoding for the part's transfer encoding; unknown
// encodings (and none) are copied as they are.
func (p *Part) decoder() func(*Part, io.Writer) (int64, error) {
	switch p.ContentTransferEncoding {
	case "base64":
		return (*Part).decodeBase64
	case "quoted-printable":
		return (*Part).decodeQP
	}
	return (*Part).decodeAsIs
}

// contentLine reads the next line of the part's content (fgets with
// Exim's decoder buffer), or nil at its end: the end of the file or a
// line starting with "--" and the enclosing boundary.
func (p *Part) contentLine(size int) []byte {
	line := p.src.gets(size)
	if line == nil || p.isBoundary(line) {
		return nil
	}
	return line
}

// isBoundary: the line starts with "--" and the enclosing boundary
// (compared as C strings, so a NUL ends the line).
func (p *Part) isBoundary(line []byte) bool {
	if p.boundary == "" {
		return false
	}
	l := cString(line)
	return len(l) >= 2+len(p.boundary) && string(l[:2]) == "--" && string(l[2:2+len(p.boundary)]) == p.boundary
}

func (p *Part) decodeAsIs(w io.Writer) (int64, error) {
	var n int64
	for line := p.contentLine(maxLineLength); line != nil; line = p.contentLine(maxLineLength) {
		m, err := w.Write(cString(line))
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// decodeQP decodes quoted-printable line by line: "=XX" is a byte, "="
// before the line end (blanks allowed) joins the next line, and any other
// "=" is kept and flagged as an anomaly.
func (p *Part) decodeQP(w io.Writer) (int64, error) {
	var n int64
	out := make([]byte, 0, maxLineLength)
	for line := p.contentLine(maxLineLength); line != nil; line = p.contentLine(maxLineLength) {
		out = p.qpLine(cString(line), out[:0])
		if len(out) > 0 {
			m, err := w.Write(out)
			n += int64(m)
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (p *Part) qpLine(in, out []byte) []byte {
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		if i+2 < len(in) && isXDigit(in[i+1]) && isXDigit(in[i+2]) {
			out = append(out, hexVal(in[i+1])<<4|hexVal(in[i+2]))
			i += 2
			continue
		}
		j := i + 1
		for j < len(in) && (in[j] == '\t' || in[j] == ' ' || in[j] == '\r') {
			j++
		}
		if j < len(in) && in[j] == '\n' {
			return out // soft line break: the rest of the line goes
		}
		p.setAnomaly(1, "Broken Quoted-Printable encoding detected")
		out = append(out, '=')
	}
	return out
}

// decodeBase64 decodes base64 as Exim's mime_decode_base64: bad
// characters are skipped (an anomaly), '=' only advances the position in
// the quantum, and a pending partial byte is written at the end. The
// output buffer lives across lines as Exim's does, because misplaced
// padding makes Exim combine bits with whatever the buffer held.
func (p *Part) decodeBase64(w io.Writer) (int64, error) {
	var n int64
	state, o := 0, 0
	obuf := make([]byte, maxLineLength)
	for line := p.contentLine(maxLineLength); line != nil; line = p.contentLine(maxLineLength) {
		for _, c := range line {
			if c == '\r' || c == '\n' || c == 0 {
				break
			}
			if c == '=' {
				state++
				continue
			}
			v := b64Values[c]
			if v == 255 {
				p.setAnomaly(2, "Broken BASE64 encoding detected")
				continue
			}
			switch state & 3 {
			case 0:
				obuf[o] = v << 2
			case 1:
				obuf[o] |= v >> 4
				o++
				obuf[o] = v << 4
			case 2:
				obuf[o] |= v >> 2
				o++
				obuf[o] = v << 6
			case 3:
				obuf[o] |= v
				o++
			}
			state++
		}
		if o > 0 {
			m, err := w.Write(obuf[:o])
			n += int64(m)
			if err != nil {
				return n, err
			}
			if state&3 != 0 {
				obuf[0] = obuf[o] // the partial byte carries over
			}
			o = 0
		}
	}
	if state&3 != 0 {
		if _, err := w.Write(obuf[:1]); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (p *Part) setAnomaly(level int, text string) {
	p.AnomalyLevel, p.AnomalyText = level, text
}

// DecodedHead is what mime_regex matches: the first n bytes of the
// decoded part, decoding it to the default place first if no decode
// condition has.
func (p *Part) DecodedHead(n int) ([]byte, error) {
	if p.DecodedFilename == "" {
		p.Decode("", false)
		if p.DecodedFilename == "" {
			p.msg.logf("mime_regex acl condition warning - could not decode MIME part to file")
			return nil, ErrDecode
		}
	}
	f, err := os.Open(p.DecodedFilename)
	if err != nil {
		p.msg.logf("mime_regex acl condition warning - can't open '%s' for reading", p.DecodedFilename)
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	m, _ := io.ReadFull(f, buf)
	return buf[:m], nil
}

// EachLine gives the raw lines of the part's content (what the regex
// condition matches in the MIME ACL), lines of up to size-1 bytes, until
// fn returns false; the part's place in the message is kept.
func (p *Part) EachLine(size int, fn func(line []byte) bool) {
	pos := p.src.tell()
	defer p.src.seek(pos)
	for line := p.contentLine(size); line != nil; line = p.contentLine(size) {
		if !fn(cString(line)) {
			return
		}
	}
}
