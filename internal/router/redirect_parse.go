package router

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"exigo/internal/address"
	"exigo/internal/syserr"
)

// forwardResult is parse_forward_list's answer (Exim's FF_* codes).
type forwardResult int

const (
	ffDelivered    forwardResult = iota // addresses were generated
	ffNotDelivered                      // nothing generated (an empty list)
	ffBlackhole                         // :blackhole:
	ffDefer                             // :defer:
	ffFail                              // :fail:
	ffIncludeFail                       // an :include: file could not be read
	ffError                             // a syntax or permission error
	ffNonexist                          // the redirection file does not exist
)

// generated is one item a redirection list produced.
type generated struct {
	address string
	pipe    bool // "|command"
	file    bool // "/path" (a directory when it ends in "/")
}

// syntaxError is an address skip_syntax_errors skipped.
type syntaxError struct{ msg, item string }

// forwardParser holds what parse_forward_list needs besides the text.
type forwardParser struct {
	allowDefer, allowFail, forbidBlackhole, forbidInclude bool
	incomingDomain                                        string // for "\local" items
	qualifyDomain                                         string // for other unqualified addresses
	includeDir                                            string // include_directory; "" for no restriction
	parse                                                 address.Options
	skipErrors                                            bool
	skipped                                               []syntaxError
	out                                                   []generated
}

const maxIncludeSize = 1024 * 1024

// parseList is parse_forward_list: comma- or newline-separated items,
// "#" comments, :unknown:, :blackhole:, :defer:, :fail:, :include:,
// pipes, files and addresses. msg carries the text after :defer: or
// :fail:, or the error.
func (p *forwardParser) parseList(s string) (forwardResult, string) {
	for {
		s = skipSeparators(s)
		if s == "" {
			if len(p.out) > 0 || len(p.skipped) > 0 {
				return ffDelivered, ""
			}
			return ffNotDelivered, ""
		}
		end := address.FindEnd(s, true)
		next := s[end:]
		it := strings.TrimRight(s[:end], " \t\r\n\f\v")
		inQuote := false
		if len(it) >= 2 && it[0] == '"' && it[len(it)-1] == '"' {
			it = strings.TrimSpace(it[1 : len(it)-1])
			inQuote = true
		}
		if rc, msg, done := p.item(it, s, inQuote); done {
			return rc, msg
		}
		s = next
	}
}

// skipSeparators passes white space, commas and "#" comment lines.
func skipSeparators(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n\f\v,")
		if !strings.HasPrefix(s, "#") {
			return s
		}
		if nl := strings.IndexByte(s, '\n'); nl >= 0 {
			s = s[nl:]
		} else {
			s = ""
		}
	}
}

// item handles one item; done stops the list with rc and msg. rest is
// the text from the item's start (for the message of :fail:/:defer:).
func (p *forwardParser) item(it, rest string, inQuote bool) (rc forwardResult, msg string, done bool) {
	if strings.HasPrefix(":unknown:", it) {
		return 0, "", false
	}
	if rc, msg, ok := p.special(it, rest); ok {
		return rc, msg, true
	}
	if strings.HasPrefix(it, ":include:") {
		if rc, msg := p.include(strings.TrimLeft(it[9:], " \t\r\n\f\v")); rc != ffDelivered {
			return rc, msg, true
		}
		return 0, "", false
	}
	return p.addressItem(it, inQuote)
}

// special handles :defer:, :blackhole: and :fail: (Exim compares their
// first bytes only, so ":failure" counts as :fail:).
func (p *forwardParser) special(it, rest string) (forwardResult, string, bool) {
	var rc forwardResult
	var allowed bool
	switch {
	case strings.HasPrefix(it, ":defer:"):
		rc, allowed = ffDefer, p.allowDefer
	case strings.HasPrefix(it, ":blackhole:"):
		rc, allowed = ffBlackhole, !p.forbidBlackhole
	case strings.HasPrefix(it, ":fail:"):
		rc, allowed = ffFail, p.allowFail
	default:
		return 0, "", false
	}
	if !allowed {
		return ffError, fmt.Sprintf("%q is not permitted", it), true
	}
	// The message runs from after the second colon to the end of the
	// line, commas and all.
	line := rest
	if nl := strings.IndexByte(line, '\n'); nl >= 0 {
		line = line[:nl]
	}
	colon := strings.IndexByte(line[1:], ':') + 2
	return rc, strings.TrimLeft(line[colon:], " \t\r\n\f\v"), true
}

// include reads an :include: file and parses it in place.
func (p *forwardParser) include(name string) (forwardResult, string) {
	switch {
	case name == "":
		return ffError, "file name missing after :include:"
	case len(name) > 255:
		return ffError, fmt.Sprintf("included file name %q is too long", name)
	case !strings.HasPrefix(name, "/"):
		return ffError, fmt.Sprintf("included file %q is not an absolute path", name)
	case p.forbidInclude:
		return ffError, "included files not permitted"
	}
	if p.includeDir != "" {
		if rc, msg := checkIncludeDir(name, p.includeDir); rc != ffDelivered {
			return rc, msg
		}
	}
	f, err := os.Open(name)
	if err != nil {
		return ffIncludeFail, openFailed(err, "included file "+name)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ffIncludeFail, fmt.Sprintf("failed to stat included file %s: %s", name, syserr.Of(err))
	}
	if p.includeDir != "" && !fi.Mode().IsRegular() {
		return ffError, fmt.Sprintf("included file %s is not a regular file in the %s directory", name, p.includeDir)
	}
	if fi.Size() > maxIncludeSize {
		return ffError, fmt.Sprintf("included file %s is too big (max %d)", name, maxIncludeSize)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return ffError, fmt.Sprintf("error while reading included file %s: %s", name, syserr.Of(err))
	}
	rc, msg := p.parseList(string(data))
	if rc != ffDelivered && rc != ffNotDelivered {
		return rc, msg
	}
	return ffDelivered, ""
}

// checkIncludeDir insists that name lies in dir with no symbolic link
// on the way.
func checkIncludeDir(name, dir string) (forwardResult, string) {
	if !strings.HasPrefix(name, dir) || len(name) == len(dir) || name[len(dir)] != '/' {
		return ffError, fmt.Sprintf("included file %s is not in directory %s", name, dir)
	}
	if _, err := os.Stat(dir); err != nil {
		return ffError, fmt.Sprintf("failed to open directory %s", dir)
	}
	rel := name[len(dir)+1:]
	p := dir
	for _, part := range strings.Split(rel, "/") {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			return ffError, fmt.Sprintf("failed to open %s (component of included file); could be symbolic link", name)
		}
	}
	return ffDelivered, ""
}

// addressItem handles a pipe, file or address.
func (p *forwardParser) addressItem(it string, inQuote bool) (forwardResult, string, bool) {
	var recipient string
	var perr error
	if strings.HasPrefix(it, "\\") {
		if r, err := p.parse.Extract(it[1:]); err == nil && r.Domain == "" {
			recipient = r.Address + "@" + p.incomingDomain
		}
	}
	hasDomain := recipient != ""
	if recipient == "" {
		parsed, err := p.parse.Extract(it)
		recipient, perr, hasDomain = parsed.Address, err, parsed.Domain != ""
	}
	if (strings.HasPrefix(it, "|") || strings.HasPrefix(it, "/")) && (perr != nil || !hasDomain) {
		text := it
		if inQuote {
			text = unbackslash(it)
		}
		p.out = append(p.out, generated{address: text, pipe: text[0] == '|', file: text[0] == '/'})
		return 0, "", false
	}
	if perr != nil {
		msg := perr.Error()
		if msg == "empty address" {
			return 0, "", false
		}
		if p.skipErrors {
			p.skipped = append(p.skipped, syntaxError{msg, it})
			return 0, "", false
		}
		return ffError, fmt.Sprintf("%s in %q", msg, it), true
	}
	if address.FindAt(recipient) < 0 {
		recipient += "@" + p.qualifyDomain
	}
	p.out = append(p.out, generated{address: recipient})
	return 0, "", false
}

// unbackslash removes the backslashes that quote characters in a quoted
// pipe or file item.
func unbackslash(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// openFailed is Exim's string_open_failed text.
func openFailed(err error, what string) string {
	msg := "failed to open " + what + ": " + syserr.Of(err)
	if errors.Is(err, fs.ErrPermission) {
		msg += fmt.Sprintf(" (euid=%d egid=%d)", os.Geteuid(), os.Getegid())
	}
	return msg
}
