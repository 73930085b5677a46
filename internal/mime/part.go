package mime

import (
	"strconv"
	"strings"
)

// Part is one MIME part as the MIME ACL sees it: the $mime_* variables,
// and where its content is for the decode, regex and mime_regex
// conditions.
type Part struct {
	ContentType             string // lower case, without parameters
	ContentDisposition      string
	ContentTransferEncoding string
	ContentID               string
	ContentDescription      string
	Filename                string // from name= or filename=, RFC 2047/2231 decoded
	Charset                 string
	Boundary                string
	IsMultipart             bool
	IsCoverletter           bool
	IsRFC822                bool // the part is inside an attached message
	Count                   int  // $mime_part_count, from 0
	AnomalyLevel            int
	AnomalyText             string
	DecodedFilename         string // set by Decode
	ContentSize             int64  // decoded size in KiB, set by Decode

	msg *Message
	src *stream
	// boundary ends the part's content: its parent's boundary, "" for a
	// message's outermost part, which runs to the end of the file.
	boundary string
}

// Vars are the part's $mime_* variables.
func (p *Part) Vars() map[string]string {
	return map[string]string{
		"mime_anomaly_level":             strconv.Itoa(p.AnomalyLevel),
		"mime_anomaly_text":              p.AnomalyText,
		"mime_boundary":                  p.Boundary,
		"mime_charset":                   p.Charset,
		"mime_content_description":       p.ContentDescription,
		"mime_content_disposition":       p.ContentDisposition,
		"mime_content_id":                p.ContentID,
		"mime_content_size":              strconv.FormatInt(p.ContentSize, 10),
		"mime_content_transfer_encoding": p.ContentTransferEncoding,
		"mime_content_type":              p.ContentType,
		"mime_decoded_filename":          p.DecodedFilename,
		"mime_filename":                  p.Filename,
		"mime_is_coverletter":            boolNum(p.IsCoverletter),
		"mime_is_multipart":              boolNum(p.IsMultipart),
		"mime_is_rfc822":                 boolNum(p.IsRFC822),
		"mime_part_count":                strconv.Itoa(p.Count),
	}
}

func boolNum(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// mimeHeaders are the header lines Exim looks at, with where each goes.
var mimeHeaders = []struct {
	name  string
	field func(*Part) *string
}{
	{"content-type:", func(p *Part) *string { return &p.ContentType }},
	{"content-disposition:", func(p *Part) *string { return &p.ContentDisposition }},
	{"content-transfer-encoding:", func(p *Part) *string { return &p.ContentTransferEncoding }},
	{"content-id:", func(p *Part) *string { return &p.ContentID }},
	{"content-description:", func(p *Part) *string { return &p.ContentDescription }},
}

// mimeParams are the parameters Exim looks at, in any of those headers.
var mimeParams = []struct {
	name  string
	field func(*Part) *string
}{
	{"name", func(p *Part) *string { return &p.Filename }},
	{"filename", func(p *Part) *string { return &p.Filename }},
	{"charset", func(p *Part) *string { return &p.Charset }},
	{"boundary", func(p *Part) *string { return &p.Boundary }},
}

// hasPrefixFold is a caseless strncmp of s against prefix.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// lowerASCII lower-cases as C's tolower does in the C locale.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
