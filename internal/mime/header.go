package mime

// Exim's limits (mime.h): a MIME header line is cut at 8192 bytes, and
// decoders read lines of up to 32767 bytes.
const (
	maxHeaderSize = 8192
	maxLineLength = 32768
)

// Header value modes of readHeader: outside a parameter value, just after
// its '=' (leading blanks skipped), inside it, and on a double quote.
const (
	modeName = iota
	modeValueStart
	modeValue
	modeQuote
)

// readHeader reads one header line of a MIME part (unfolded) the way
// Exim's mime_get_header does, and reports whether there was one: false
// at the blank line that ends the headers and at end of file, where a
// pending line is dropped. The line comes back with blanks and comments
// outside parameter values removed, and always ends in ';'.
//
// Exim's quote handling is kept as it is: a double quote does not stop a
// ';' from ending the value, so after a quoted ';' blanks and comments
// are removed again until the closing quote.
func readHeader(s *stream) ([]byte, bool) {
	h := make([]byte, 0, 128)
	mode, comments, c := modeName, 0, -1
	for done := false; !done; {
		if c = s.getc(); c < 0 {
			break
		}
		if c == '\r' {
			continue
		}
		if c == '\n' {
			if len(h) > 0 {
				if c = s.getc(); c < 0 {
					break
				}
				if c == '\t' || c == ' ' {
					continue // folded: the line goes on
				}
				s.ungetc()
			}
			c, done = ';', true
		}
		if c < 32 {
			continue
		}
		if mode != modeName {
			if (c == ' ' || c == '\t') && mode == modeValueStart {
				continue
			}
			mode = modeValue
			if c == '"' {
				mode = modeQuote
			}
			if mode == modeValue && c == ';' {
				mode = modeName
			}
		} else {
			switch {
			case c == ' ' || c == '\t':
				continue
			case c == '\\': // the next character is taken as it is
				if c = s.getc(); c < 0 {
					return finishHeader(h), false
				}
			case c == '(':
				comments++
				continue
			case c == ')' && comments > 0:
				comments--
				continue
			case c == '=' && comments == 0:
				mode = modeValueStart
			}
			if comments > 0 {
				continue
			}
		}
		h = append(h, byte(c))
		if len(h) > maxHeaderSize-1 {
			done = true
		}
	}
	h = finishHeader(h)
	return h, c >= 0 && len(h) != 1
}

// finishHeader makes the last character a ';', replacing what was there.
func finishHeader(h []byte) []byte {
	if len(h) > 0 && h[len(h)-1] != ';' {
		h[len(h)-1] = ';'
	}
	return h
}
