package lists

import (
	"errors"
	"strings"
	"testing"
)

func TestNamedListLoops(t *testing.T) {
	env := &Env{Named: mapNamed{Domain: {"a": "+a", "b": "+b : +b : +b : +b"}}}
	for _, name := range []string{"+a", "+b"} {
		if _, err := MatchDomain(env, name, "x.y"); !IsFatal(err) {
			t.Errorf("%s: want a fatal error for a loop, got %v", name, err)
		}
	}
}

type forcedErr struct{}

func (forcedErr) Error() string    { return "forced failure" }
func (forcedErr) ForcedFail() bool { return true }

func TestNamedListExpansion(t *testing.T) {
	var logged []string
	env := &Env{
		Named: mapNamed{Domain: {"exp": "$x", "forced": "$fail", "bad": "$bad"}},
		Expand: func(s string) (string, error) {
			switch s {
			case "$x":
				return "a.b : c.d", nil
			case "$fail":
				return "", forcedErr{}
			}
			return "", errors.New(`unknown variable "bad"`)
		},
		Log: func(line string) { logged = append(logged, line) },
	}
	tests := []struct {
		list, domain string
		want         bool
		isDefer      bool
	}{
		{"+exp", "c.d", true, false},
		{"+exp", "x.y", false, false},
		{"+forced : x.y", "x.y", true, false},
		{"!+forced", "x.y", true, false},
		{"+bad : x.y", "x.y", false, true},
		{"+nosuch", "x.y", false, true},
	}
	for _, tt := range tests {
		res, err := MatchDomain(env, tt.list, tt.domain)
		if IsDefer(err) != tt.isDefer || res.Matched != tt.want {
			t.Errorf("MatchDomain(%q, %q) = %+v, %v", tt.list, tt.domain, res, err)
		}
	}
	want := []string{
		`failed to expand "$bad" while checking a list: unknown variable "bad"`,
		`unknown named domain list "+nosuch"`,
	}
	if strings.Join(logged, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged %q, want %q", logged, want)
	}
}

func TestNilEnv(t *testing.T) {
	if res, err := MatchDomain(nil, "*.b : @ : @[] : @mx_any", "a.b"); err != nil || !res.Matched || res.Data != "*.b" {
		t.Errorf("MatchDomain: %+v, %v", res, err)
	}
	if _, err := MatchDomain(nil, "+x", "a.b"); !IsDefer(err) {
		t.Errorf("named list without Env: %v", err)
	}
	if res, err := MatchAddress(nil, "x@y : *@b", "a@B", true); err != nil || res.Data != "*@b" {
		t.Errorf("MatchAddress: %+v, %v", res, err)
	}
	if res, err := MatchLocalPart(nil, "A", "a", false); err != nil || res.Matched {
		t.Errorf("MatchLocalPart caseful: %+v, %v", res, err)
	}
	if _, err := MatchIP(nil, "1.2.3.4", "abc"); err == nil || err.Error() != `"abc" is not an IP address` {
		t.Errorf("MatchIP bad address: %v", err)
	}
}

func TestExpandDomain(t *testing.T) {
	env := &Env{
		Named: mapNamed{Domain: {"d": "$domain"}},
		ExpandDomain: func(s, domain string) (string, error) {
			return strings.ReplaceAll(s, "$domain", domain), nil
		},
	}
	if res, err := MatchDomain(env, "+d", "Some.Where"); err != nil || !res.Matched {
		t.Errorf("$domain in a named domain list: %+v, %v", res, err)
	}
}
