package conf

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// line is one logical configuration line and where it started.
type line struct {
	text string
	file string
	num  int
}

// source is one file being read; includes push another.
type source struct {
	name string
	dir  string
	sc   *bufio.Scanner
	num  int
	f    io.Closer
}

// reader turns physical lines into logical ones as Exim's get_config_line
// does: macros are substituted per physical line, then comments,
// conditionals and .include are handled, then continuations joined.
type reader struct {
	stack  []*source
	macros *macroTable
	cond   condStack
	// define is called for a logical line that defines a macro; the
	// parser decides where definitions are allowed.
	open func(path string) (io.ReadCloser, error)
}

func newReader(name, dir string, r io.Reader, macros *macroTable) *reader {
	rd := &reader{macros: macros, open: func(p string) (io.ReadCloser, error) { return os.Open(p) }}
	rd.push(name, dir, r, nil)
	return rd
}

func (rd *reader) push(name, dir string, r io.Reader, c io.Closer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	rd.stack = append(rd.stack, &source{name: name, dir: dir, sc: sc, f: c})
}

func (rd *reader) top() *source { return rd.stack[len(rd.stack)-1] }

func (rd *reader) errorf(format string, args ...any) error {
	s := rd.top()
	return &Error{File: s.name, Line: s.num, Msg: fmt.Sprintf(format, args...)}
}

// physical returns the next physical line, popping finished includes.
func (rd *reader) physical() (string, bool, error) {
	for {
		s := rd.top()
		if s.sc.Scan() {
			s.num++
			return s.sc.Text(), true, nil
		}
		if err := s.sc.Err(); err != nil {
			return "", false, rd.errorf("read error: %v", err)
		}
		if len(rd.stack) == 1 {
			return "", false, nil
		}
		if s.f != nil {
			s.f.Close()
		}
		rd.stack = rd.stack[:len(rd.stack)-1]
	}
}

// next returns the next logical line; ok is false at the end of input.
func (rd *reader) next() (l line, ok bool, err error) {
	var b strings.Builder
	started := false
	for {
		raw, more, err := rd.physical()
		if err != nil {
			return line{}, false, err
		}
		if !more {
			if rd.cond.depth() > 0 {
				return line{}, false, rd.errorf("Unexpected end of configuration file: .endif missing")
			}
			// A continuation at the end of the file ends the line.
			if l.text = b.String(); started && l.text != "" {
				return l, true, nil
			}
			return line{}, false, nil
		}
		text, found := rd.macros.substitute(raw, !started)
		text = strings.TrimLeft(text, " \t\r\n\v\f")
		if strings.HasPrefix(text, "#") {
			continue
		}
		if strings.HasPrefix(text, ".") {
			handled, err := rd.directive(text, found)
			if err != nil {
				return line{}, false, err
			}
			if handled {
				continue
			}
		}
		if !rd.cond.active() {
			continue
		}
		if handled, err := rd.include(text); handled || err != nil {
			if err != nil {
				return line{}, false, err
			}
			continue
		}
		if !started {
			s := rd.top()
			l.file, l.num = s.name, s.num
		}
		text = strings.TrimRight(text, " \t\r\n\v\f")
		b.WriteString(text)
		if b.Len() == 0 {
			continue // empty logical lines are ignored
		}
		started = true
		cur := b.String()
		if !strings.HasSuffix(cur, `\`) {
			l.text = cur
			return l, true, nil
		}
		b.Reset()
		b.WriteString(cur[:len(cur)-1])
	}
}

// directive handles .ifdef and friends; handled is false for other lines
// starting with a dot.
func (rd *reader) directive(text string, macroFound bool) (bool, error) {
	for _, d := range condDirectives {
		rest, ok := strings.CutPrefix(text[1:], d.name)
		if !ok {
			continue
		}
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			// Exim stops at the first name that is a prefix ("elifdefx"
			// is not a directive, and no later one is tried).
			return false, nil
		}
		if err := rd.cond.apply(d, macroFound); err != nil {
			return true, rd.errorf("%v", err)
		}
		return true, nil
	}
	return false, nil
}

// include handles ".include" and ".include_if_exists" lines.
func (rd *reader) include(text string) (bool, error) {
	ifExists := false
	rest, ok := strings.CutPrefix(text, ".include_if_exists")
	if ok {
		ifExists = true
	} else if rest, ok = strings.CutPrefix(text, ".include"); !ok {
		return false, nil
	}
	if rest == "" || !isSpace(rest[0]) {
		return false, nil
	}
	name := strings.TrimSpace(rest)
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		name = name[1 : len(name)-1]
	}
	if !filepath.IsAbs(name) {
		if ifExists {
			return true, rd.errorf(".include specifies a non-absolute path %q", name)
		}
		name = rd.top().dir + "/" + name
	}
	if ifExists {
		if _, err := os.Stat(name); err != nil {
			return true, nil
		}
	}
	if len(rd.stack) > 100 {
		return true, rd.errorf("includes nested too deeply at %s", name)
	}
	f, err := rd.open(name)
	if err != nil {
		return true, rd.errorf("failed to open included configuration file %s", name)
	}
	rd.push(name, filepath.Dir(name), f, f)
	return true, nil
}

// close releases any files still open after an error.
func (rd *reader) close() {
	for _, s := range rd.stack {
		if s.f != nil {
			s.f.Close()
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
