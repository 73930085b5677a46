package conf

import (
	"regexp"
	"strconv"
	"strings"
)

// readRetry reads "begin retry": pattern, error, optional senders=, and
// a semicolon list of F/G/H parameter sets.
func (p *parser) readRetry() error {
	for {
		l, ok, err := p.nextLine()
		if err != nil || !ok {
			return err
		}
		r, err := p.retryRule(l)
		if err != nil {
			return err
		}
		p.cfg.Retry = append(p.cfg.Retry, r)
	}
}

func (p *parser) retryRule(l line) (RetryRule, error) {
	r := RetryRule{Line: l.num}
	pattern, rest, err := ruleItem(l.text)
	if err != nil {
		return r, p.errAt(l, "%v", err)
	}
	r.Pattern = pattern
	r.Error, rest = splitField(rest)
	if r.Error == "" {
		return r, p.errAt(l, "missing error type in retry rule")
	}
	if !validRetryError(r.Error) {
		return r, p.errAt(l, "unknown or malformed retry error %q", r.Error)
	}
	if s, ok := strings.CutPrefix(rest, "senders"); ok && strings.HasPrefix(strings.TrimLeft(s, " \t"), "=") {
		s = strings.TrimLeft(strings.TrimLeft(s, " \t")[1:], " \t")
		r.Senders, rest, err = ruleItem(s)
		if err != nil {
			return r, p.errAt(l, "%v", err)
		}
	}
	for _, part := range strings.Split(rest, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		rp, ok := parseRetryParam(part)
		if !ok {
			return r, p.errAt(l, "bad parameters for retry rule")
		}
		r.Params = append(r.Params, rp)
	}
	return r, nil
}

var retryErrorRE = regexp.MustCompile(`^(\*|auth_failed|tls_required|lost_connection|lookup|` +
	`refused(_A|_MX)?|timeout(_connect)?(_A|_MX)?|timeout_DNS|` +
	`(mail|rcpt|data)_4[0-9x][0-9x]|quota(_[0-9wdhms]+)?)$`)

func validRetryError(s string) bool {
	if !retryErrorRE.MatchString(s) {
		return false
	}
	if t, ok := strings.CutPrefix(s, "quota_"); ok {
		_, valid := ParseTime(t)
		return valid
	}
	return true
}

// parseRetryParam reads "F,2h,15m" or "G,16h,1h,1.5".
func parseRetryParam(s string) (RetryParam, bool) {
	f := strings.Split(s, ",")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	var rp RetryParam
	if len(f[0]) != 1 || !strings.Contains("FGH", f[0]) {
		return rp, false
	}
	rp.Algorithm = f[0][0]
	want := 3
	if rp.Algorithm != 'F' {
		want = 4
	}
	if len(f) != want {
		return rp, false
	}
	var ok1, ok2 bool
	rp.Cutoff, ok1 = ParseTime(f[1])
	rp.Interval, ok2 = ParseTime(f[2])
	if !ok1 || !ok2 {
		return rp, false
	}
	if want == 4 {
		n, err := parseFixed("retry", f[3])
		if err != nil {
			return rp, false
		}
		rp.Factor = n
	}
	return rp, true
}

// readRewrite reads "begin rewrite": pattern, replacement, flags.
func (p *parser) readRewrite() error {
	for {
		l, ok, err := p.nextLine()
		if err != nil || !ok {
			return err
		}
		pattern, rest, err := ruleItem(l.text)
		if err != nil {
			return p.errAt(l, "%v", err)
		}
		if rest == "" {
			return p.errAt(l, "missing rewrite replacement string")
		}
		repl, rest, err := ruleItem(rest)
		if err != nil {
			return p.errAt(l, "%v", err)
		}
		flags := strings.Join(strings.Fields(rest), "")
		for _, c := range flags {
			if !strings.ContainsRune("EFTbcfhrstwqRQS", c) {
				return p.errAt(l, "unknown rewrite flag character '%c' (could be missing quotes round replacement item)", c)
			}
			if c == 'S' && !strings.HasPrefix(pattern, "^") && !strings.HasPrefix(pattern, `\N^`) {
				return p.errAt(l, "rewrite rule has the S flag but is not a regular expression")
			}
		}
		p.cfg.Rewrite = append(p.cfg.Rewrite, RewriteRule{Pattern: pattern, Replacement: repl, Flags: flags, Line: l.num})
	}
}

// ruleItem reads one white-space delimited item, which may be in double
// quotes with backslash escapes, and returns the rest of the line.
func ruleItem(s string) (item, rest string, err error) {
	s = strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(s, `"`) {
		item, rest = splitField(s)
		return item, rest, nil
	}
	end := 1
	for end < len(s) && s[end] != '"' {
		if s[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(s) {
		return "", "", errMissingQuote
	}
	item, err = dequote(s[:end+1])
	return item, strings.TrimLeft(s[end+1:], " \t"), err
}

// splitField splits off the first white-space delimited field.
func splitField(s string) (string, string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

// retryString prints a retry rule as -bP retry does not exist in Exim;
// used by tests and debug output.
func (r RetryRule) String() string {
	var parts []string
	for _, p := range r.Params {
		s := string(p.Algorithm) + "," + FormatTime(p.Cutoff) + "," + FormatTime(p.Interval)
		if p.Algorithm != 'F' {
			s += "," + strconv.FormatFloat(float64(p.Factor)/1000, 'f', -1, 64)
		}
		parts = append(parts, s)
	}
	return r.Pattern + " " + r.Error + " " + strings.Join(parts, "; ")
}
