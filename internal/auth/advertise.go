package auth

import (
	"fmt"
	"strings"

	"exigo/internal/expand"
)

// Advertised evaluates server_advertise_condition as Exim does when it
// builds the EHLO reply (the caller has checked auth_advertise_hosts and
// that the instance is a server). expand expands with the session's
// variables. An expansion that fails is "not advertised"; unless the
// failure was forced or a lookup deferred, panicLog is the line Exim
// writes to its main and panic logs.
func (i *Instance) Advertised(expand func(string) (string, error)) (ok bool, panicLog string) {
	if !i.AdvertiseCondition.Set {
		return true, ""
	}
	v, err := expand(i.AdvertiseCondition.Text)
	if err != nil {
		if isQuietFailure(err) {
			return false, ""
		}
		return false, fmt.Sprintf("failed to expand condition \"%s\" for %s authenticator: %s",
			i.AdvertiseCondition.Text, i.Name, err.Error())
	}
	return isTrue(v), ""
}

func isQuietFailure(err error) bool { return expand.IsForcedFail(err) || expand.IsDefer(err) }

// isTrue is Exim's test of a condition's expanded value.
func isTrue(v string) bool {
	return v != "" && v != "0" && !equalFold(v, "no") && !equalFold(v, "false")
}

// EHLOKeyword is the text of the EHLO reply's AUTH line for the
// advertised instances, in configuration order: "AUTH PLAIN LOGIN". The
// names are upper-cased as Exim does (RFC 2222); "" when none.
func EHLOKeyword(advertised []*Instance) string {
	if len(advertised) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("AUTH")
	for _, i := range advertised {
		b.WriteByte(' ')
		b.WriteString(upper(i.PublicName))
	}
	return b.String()
}

// ParseCommand splits the AUTH command's argument into the mechanism name
// and the initial response (white space after the name skipped). ok is
// false when the name holds a character other than a letter, a digit, '-'
// or '_': Exim then answers "501 invalid character in authentication
// mechanism name" as a syntax error.
func ParseCommand(arg string) (mech, data string, ok bool) {
	i := 0
	for i < len(arg) && !isSpace(arg[i]) {
		c := arg[i]
		if !isAlnum(c) && c != '-' && c != '_' {
			return "", "", false
		}
		i++
	}
	mech, data = arg[:i], arg[i:]
	for len(data) > 0 && isSpace(data[0]) {
		data = data[1:]
	}
	return mech, data, true
}

// Find is the server instance an AUTH command names (public names match
// caselessly), among those advertised unless allow_auth_unadvertised is
// set; nil gives Exim's "504 <mech> authentication mechanism not
// supported".
func Find(all []*Instance, mech string, advertised func(*Instance) bool, allowUnadvertised bool) *Instance {
	for _, i := range all {
		if i.Server != nil && equalFold(i.PublicName, mech) &&
			(allowUnadvertised || advertised(i)) {
			return i
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// equalFold is C's strcmpic: ASCII letters only fold.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// upper is toupper byte by byte, as Exim upper-cases advertised names.
func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}
