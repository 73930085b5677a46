package mime

import "exigo/internal/expand/funcs"

// decode2047 decodes the RFC 2047 encoded words in s as Exim's MIME
// parameter decoding does: to bytes whatever their charset, binary zeros
// as zero, words over 75 characters left alone with lenCheck.
func decode2047(s string, lenCheck bool, zero byte) string {
	return funcs.DecodeRFC2047(s, funcs.RFC2047Decoding{LenCheck: lenCheck, Zero: zero})
}
