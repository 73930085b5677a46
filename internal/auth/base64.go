package auth

import (
	"encoding/base64"
	"strings"

	"exigo/internal/expand/funcs"
)

// Encode64 is base64 as Exim's b64encode writes it: the standard alphabet
// with padding, on one line.
func Encode64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// Decode64 decodes base64 the way Exim's b64decode does, which is not the
// way Go's decoder does (see funcs.B64Decode). Exim reads a C string, so
// a NUL ends the input. ok is false where Exim returns -1.
func Decode64(s string) (out []byte, ok bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	dec, ok := funcs.B64Decode(s)
	if !ok {
		return nil, false
	}
	return []byte(dec), true
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
