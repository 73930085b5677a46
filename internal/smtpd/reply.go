package smtpd

import (
	"fmt"
	"strings"
)

// printf writes raw reply text; output is flushed before the session
// blocks on input, so pipelined replies go out together.
func (s *session) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if s.rcptInProgress {
		s.noteRcptResponse(line)
	}
	s.w.WriteString(line)
}

// noteRcptResponse remembers the first reply to a RCPT, to report "All
// RCPT commands were rejected with this error" at DATA.
func (s *session) noteRcptResponse(line string) {
	if s.rcptResponse == nil {
		l := line
		s.rcptResponse = &l
	} else if s.rcptSame && *s.rcptResponse != line {
		s.rcptSame = false
	}
	s.rcptInProgress = false
}

// respond sends a possibly multi-line reply: each newline in msg starts
// a new line with the same code; final=false leaves the last line
// continued. no_multiline_responses keeps only the first line.
func (s *session) respond(code string, final bool, msg string) {
	_, noMulti := s.state.Control("no_multiline_responses")
	if !final && noMulti {
		return
	}
	if s.rcptInProgress {
		s.noteRcptResponse(msg)
	}
	base, esc := code, ""
	if len(code) > 4 {
		base, esc = code[:3], code[4:]
	}
	base = base[:3]
	for {
		nl := strings.IndexByte(msg, '\n')
		if nl < 0 {
			s.w.WriteString(base + sep(final) + esc + msg + "\r\n")
			return
		}
		if nl+1 == len(msg) || noMulti {
			s.w.WriteString(base + sep(final) + esc + msg[:nl] + "\r\n")
			return
		}
		s.w.WriteString(base + "-" + esc + msg[:nl] + "\r\n")
		msg = strings.TrimLeft(msg[nl+1:], " \t")
	}
}

func sep(final bool) string {
	if final {
		return " "
	}
	return "-"
}

// messageCode splits a user message that starts with its own reply code
// ("550 5.7.1 text"): the code replaces the default when its first digit
// agrees, otherwise a panic is logged and the default stays. The returned
// code includes any extended code and its trailing space ("550 5.7.1 ").
func (s *session) messageCode(def, msg string) (code, rest string) {
	n := codeLength(msg)
	if n == 0 {
		return def, msg
	}
	if msg[0] != def[0] {
		s.srv.Log.Panic(s.messageID, fmt.Sprintf("configured error code starts with incorrect digit (expected %c) in \"%s\"", def[0], msg))
		return def, msg[n:]
	}
	return msg[:n], msg[n:]
}

// codeLength matches "ddd " optionally followed by "d.d{1,3}.d{1,3} ".
func codeLength(msg string) int {
	if len(msg) < 4 || !isDigit(msg[0]) || !isDigit(msg[1]) || !isDigit(msg[2]) || !isSpace(msg[3]) {
		return 0
	}
	n := 4
	rest := msg[4:]
	if m := enhancedLength(rest); m > 0 {
		n += m
	}
	return n
}

func enhancedLength(s string) int {
	i := 0
	if i >= len(s) || !isDigit(s[i]) {
		return 0
	}
	i++
	for part := 0; part < 2; part++ {
		if i >= len(s) || s[i] != '.' {
			return 0
		}
		i++
		d := 0
		for i < len(s) && isDigit(s[i]) && d < 3 {
			i++
			d++
		}
		if d == 0 {
			return 0
		}
	}
	if i >= len(s) || !isSpace(s[i]) {
		return 0
	}
	return i + 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// userMsg sends an ACL-supplied success message with code def.
func (s *session) userMsg(def, msg string) {
	code, text := s.messageCode(def, msg)
	s.respond(code, true, text)
}
