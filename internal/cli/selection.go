package cli

import (
	"fmt"
	"strings"

	"exigo/internal/regex"
	"exigo/internal/spool"
)

// selection is -R and -S (and -qR, -qS): a queue run takes only the
// messages with an undelivered recipient, and a sender, that contain the
// string (case-independently) or, with the r flag, match it as a
// case-independent regular expression.
type selection struct {
	rcpt, sender     string
	rcptRE, senderRE *regex.Regexp // the r flag
}

// rsFlags are the flag words Exim reads after -R and -S: f and ff force
// every selected message (ff thaws frozen ones too), r makes the string
// a regular expression.
var rsFlags = map[string]bool{"f": true, "ff": true, "r": true, "rf": true, "rff": true}

// isSelect says whether a is one of -R, -S, -qR, -qS (with flags or a
// string glued on).
func isSelect(a string) bool {
	for _, p := range []string{"-R", "-S", "-qR", "-qS"} {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return false
}

// parseSelect reads one -R/-S/-qR/-qS argument a (and its string from
// rest when not glued on). It returns the unused arguments.
func (o *Options) parseSelect(a string, rest []string) ([]string, error) {
	name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "q")
	letter, arg := name[:1], name[1:]
	flags := ""
	if rsFlags[arg] {
		flags, arg = arg, ""
	}
	if arg == "" {
		if len(rest) == 0 {
			return nil, fmt.Errorf("string expected after -%s", letter)
		}
		arg, rest = rest[0], rest[1:]
	}
	if f := strings.Count(flags, "f"); f > o.QueueForce {
		o.QueueForce = f
	}
	re := strings.HasPrefix(flags, "r")
	if letter == "R" {
		o.SelectRecipient, o.SelectRecipientRE = arg, re
	} else {
		o.SelectSender, o.SelectSenderRE = arg, re
	}
	if o.Mode == ModeNone {
		o.Mode = ModeRun
	}
	return rest, nil
}

// selection compiles the run's -R and -S.
func (o *Options) selection() (selection, error) {
	s := selection{rcpt: o.SelectRecipient, sender: o.SelectSender}
	var err error
	if s.rcptRE, err = selectRegex(s.rcpt, o.SelectRecipientRE); err != nil {
		return s, err
	}
	s.senderRE, err = selectRegex(s.sender, o.SelectSenderRE)
	return s, err
}

// selectRegex compiles a selection string given with the r flag, case
// independent as Exim's.
func selectRegex(pattern string, isRE bool) (*regex.Regexp, error) {
	if !isRE {
		return nil, nil
	}
	re, err := regex.Compile("(?i)" + pattern)
	if err != nil {
		return nil, fmt.Errorf("regular expression error in %q: %v", pattern, err)
	}
	return re, nil
}

func (s selection) empty() bool { return s.rcpt == "" && s.sender == "" }

// detail is what the queue run's log lines say of the selection.
func (s selection) detail() string {
	var b strings.Builder
	if s.rcpt != "" {
		b.WriteString(" -R" + rFlag(s.rcptRE) + " " + s.rcpt)
	}
	if s.sender != "" {
		b.WriteString(" -S" + rFlag(s.senderRE) + " " + s.sender)
	}
	return b.String()
}

func rFlag(re *regex.Regexp) string {
	if re != nil {
		return "r"
	}
	return ""
}

// takes applies the selection to a message's -H file.
func (s selection) takes(h *spool.Header) bool {
	if s.sender != "" && !matches(h.Sender, s.sender, s.senderRE) {
		return false
	}
	if s.rcpt == "" {
		return true
	}
	for _, rc := range h.Recipients {
		if !h.Delivered(rc.Address) && matches(rc.Address, s.rcpt, s.rcptRE) {
			return true
		}
	}
	return false
}

func matches(s, sub string, re *regex.Regexp) bool {
	if re != nil {
		return re.MatchString(s)
	}
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
