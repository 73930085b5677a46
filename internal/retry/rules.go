package retry

import (
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/lists"
)

// Rule is one retry rule with its error field decoded.
type Rule struct {
	conf.RetryRule
	BasicErrno int
	MoreErrno  int
}

// Last is the final parameter set: its cutoff is when a destination
// times out for good.
func (r *Rule) Last() *conf.RetryParam {
	if len(r.Params) == 0 {
		return nil
	}
	return &r.Params[len(r.Params)-1]
}

// Rules is the retry configuration and the main options that go with it.
type Rules struct {
	List []Rule
	// IntervalMax is retry_interval_max (never more than a day);
	// DataExpire is retry_data_expire.
	IntervalMax time.Duration
	DataExpire  time.Duration
	// Lists matches the patterns and senders lists (named lists, @).
	Lists *lists.Env
	// Expand expands a pattern or senders list before it is matched, as
	// Exim expands address lists; nil leaves them as they are.
	Expand func(string) (string, error)
}

// New reads the retry section of cfg.
func New(cfg *conf.Config, env *lists.Env, expand func(string) (string, error)) (*Rules, error) {
	rs := &Rules{
		IntervalMax: min(cfg.Time("retry_interval_max"), 24*time.Hour),
		DataExpire:  cfg.Time("retry_data_expire"),
		Lists:       env,
		Expand:      expand,
	}
	for _, r := range cfg.Retry {
		basic, more, err := ParseError(r.Error)
		if err != nil {
			return nil, err
		}
		rs.List = append(rs.List, Rule{RetryRule: r, BasicErrno: basic, MoreErrno: more})
	}
	return rs, nil
}

// Query is what a rule is looked for with (retry_find_config's
// arguments).
type Query struct {
	// Key is a retry key without its "T:"/"R:" tag: a host name (maybe
	// followed by ":ip..."), a domain, an address, or "|pipe:x@y".
	Key string
	// Alternate is a domain also tried (the address's domain for a host).
	Alternate  string
	BasicErrno int
	MoreErrno  int
	Sender     string
	// NoSender: rules with a senders list never match (-brt without -f).
	NoSender bool
}

// Find returns the first rule matching q, or nil.
func (rs *Rules) Find(q Query) *Rule {
	alternate := "*@" + q.Alternate
	subject := searchKey(q.Key)
	if !strings.Contains(subject, "@") {
		subject = "*@" + subject
	}
	for i := range rs.List {
		r := &rs.List[i]
		if !r.errorMatches(q.BasicErrno, q.MoreErrno) || !rs.sendersMatch(r, q) {
			continue
		}
		if rs.patternMatches(r.Pattern, subject) || q.Alternate != "" && rs.patternMatches(r.Pattern, alternate) {
			return r
		}
	}
	return nil
}

// searchKey picks what a key is matched by: the host name of
// "host:ip:port", the address after the last colon of "|pipe:x@y".
func searchKey(key string) string {
	colon := strings.IndexByte(key, ':')
	if colon < 0 {
		return key
	}
	if key != "" && isAlnum(key[0]) {
		return key[:colon]
	}
	return key[strings.LastIndexByte(key, ':')+1:]
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

// errorMatches applies a rule's error field to a failure's numbers.
func (r *Rule) errorMatches(basic, more int) bool {
	switch r.BasicErrno {
	case 0:
		return true
	case item.ErrnoEximQuota:
		return (basic == item.ErrnoEximQuota || basic == EDQUOT || basic == ENOSPC) &&
			(r.MoreErrno == 0 || r.MoreErrno <= more)
	case item.ErrnoTLSRequired:
		return basic == item.ErrnoTLSRequired || basic == item.ErrnoTLSFailure
	case item.ErrnoMail4xx, item.ErrnoRcpt4xx, item.ErrnoData4xx:
		return basic == r.BasicErrno && codeMatches(r.MoreErrno>>8&255, more>>8&255)
	case ETIMEDOUT:
		return basic == ETIMEDOUT && timeoutMatches(r.MoreErrno, more)
	}
	return r.BasicErrno == basic && (r.MoreErrno == 0 || r.MoreErrno == more)
}

// codeMatches: wanted 255 is any 4xx, 100 and up a decade, else exact.
func codeMatches(wanted, got int) bool {
	switch {
	case wanted == 255:
		return true
	case wanted >= 100:
		return got/10*10 == wanted-100
	}
	return got == wanted
}

// timeoutMatches: "timeout_connect" takes any connect timeout; with A or
// MX the letter must agree, the connect flag only if the rule has it.
func timeoutMatches(want, got int) bool {
	switch {
	case want == item.RTEFConnectTimeout:
		return got&item.RTEFConnectTimeout != 0
	case want == 0:
		return true
	}
	if want&item.RTEFConnectTimeout == 0 {
		got &^= item.RTEFConnectTimeout
	}
	return want == got
}

func (rs *Rules) sendersMatch(r *Rule, q Query) bool {
	if r.Senders == "" {
		return true
	}
	if q.NoSender {
		return false
	}
	list, ok := rs.expand(r.Senders)
	if !ok {
		return false
	}
	res, err := lists.MatchAddress(rs.Lists, list, q.Sender, true)
	return err == nil && res.Matched
}

// patternMatches treats the pattern as a one-item address list.
func (rs *Rules) patternMatches(pattern, subject string) bool {
	p, ok := rs.expand(pattern)
	if !ok {
		return false
	}
	// "<:" fixes the separator and doubled colons are data, so the whole
	// pattern stays one item, as Exim's impossible separator keeps it.
	list := "<: " + strings.ReplaceAll(p, ":", "::")
	res, err := lists.MatchAddress(rs.Lists, list, subject, true)
	return err == nil && res.Matched
}

func (rs *Rules) expand(s string) (string, bool) {
	if rs.Expand == nil {
		return s, true
	}
	v, err := rs.Expand(s)
	return v, err == nil
}
