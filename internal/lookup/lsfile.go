package lookup

import (
	"strings"

	"exigo/internal/expand/funcs"
)

// lsEntry is one keyed item of an lsearch-format file.
type lsEntry struct {
	key      string // de-quoted when it was quoted
	afterKey string // the rest of the key's line, as it stands
	cont     string // continuation lines, each introduced by one space
}

// data is what a lookup returns: the text after the key (and an optional
// colon), then the continuation lines.
func (e *lsEntry) data() string {
	s := e.afterKey
	i := skipSpace(s, 0)
	if i < len(s) && s[i] == ':' {
		i = skipSpace(s, i+1)
	}
	if e.cont == "" {
		return s[i:]
	}
	return s[i:] + e.cont
}

// full is the ret=full result: the (de-quoted) key and the whole line.
func (e *lsEntry) full() string { return e.key + e.afterKey + e.cont }

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// parseLsearch splits a file in Exim's lsearch format into its entries,
// in file order. Lines starting with white space continue the previous
// item's data; a blank or comment line ends it (Exim then ignores the
// rest of that item's continuation lines).
func parseLsearch(text string) []lsEntry {
	lines := splitLines(text)
	entries := make([]lsEntry, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "" || line[0] == '#' || isSpace(line[0]) {
			continue
		}
		key, rest := splitKey(line)
		e := lsEntry{key: key, afterKey: rest}
		e.cont = continuation(lines[i+1:])
		entries = append(entries, e)
	}
	return entries
}

// continuation joins the continuation lines that follow a key line.
func continuation(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if l == "" || l[0] == '#' || !isSpace(l[0]) {
			break
		}
		b.WriteByte(' ')
		b.WriteString(l[skipSpace(l, 0):])
	}
	return b.String()
}

// splitLines cuts text into physical lines; lines that ended with a
// newline lose their trailing white space (a last line without newline
// keeps it, as with Exim's fgets loop).
func splitLines(text string) []string {
	lines := make([]string, 0, strings.Count(text, "\n")+1)
	for len(text) > 0 {
		nl := strings.IndexByte(text, '\n')
		if nl < 0 {
			lines = append(lines, text)
			break
		}
		line := text[:nl]
		end := len(line)
		for end > 0 && isSpace(line[end-1]) {
			end--
		}
		lines = append(lines, line[:end])
		text = text[nl+1:]
	}
	return lines
}

// splitKey takes the key off a line: a quoted string with escapes (up to
// the closing quote or the end of the line), or the text up to a colon or
// white space.
func splitKey(line string) (key, rest string) {
	if line[0] == '"' {
		return funcs.QuotedString(line[1:])
	}
	i := 0
	for i < len(line) && line[i] != ':' && !isSpace(line[i]) {
		i++
	}
	return line[:i], line[i:]
}

// lowerASCII lower-cases A-Z only, as C's tolower does in the C locale,
// without allocating when there is nothing to change.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
