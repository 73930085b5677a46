package lists

import (
	"fmt"
	"strings"
	"testing"
)

// varsCases check the numeric variables a match sets ($0, $1, $2).
var varsCases = []listCase{
	{"match_domain", "ab.c", "*b.c"},
	{"match_domain", "Ab.C", "*b.c"},
	{"match_domain", "b.c", "partial-lsearch;{D}/ls1"},
	{"match_domain", "y.x", "partial1-lsearch;{D}/ls1"},
	{"match_domain", "q.q", "lsearch*;{D}/lsstar"},
	{"match_domain", "q.q", "partial-lsearch;{D}/lsstar"},
	{"match_domain", "q.b.c", "partial-lsearch;{D}/ls1"},
	{"match_domain", "a.b", "lsearch;{D}/ls1"},
	{"match_domain", "ab.c", "ab.c"},
	{"match_domain", "ab.c", "+dl1"},
	{"match_domain", "a.b", "x:^(a)"},
	{"match_domain", "Ab.C", "^(A)(x)?"},
	{"match_domain", "myhost.test.ex", "@"},
	{"match_local_part", "abc", "*c"},
	{"match_local_part", "abc", "^a(.)"},
}

func (c listCase) varsExpr(dir string) string {
	return fmt.Sprintf("${if %s{%s}{%s}{[$0][$1][$2]}{no}}", c.cond, c.subject, strings.ReplaceAll(c.list, "{D}", dir))
}

func (c listCase) oursVars(dir string) string {
	env := &Env{Named: testNamed, PrimaryHostname: "myhost.test.ex"}
	list := strings.ReplaceAll(c.list, "{D}", dir)
	var res Result
	var err error
	if c.cond == "match_domain" {
		res, err = MatchDomain(env, list, c.subject)
	} else {
		res, err = MatchLocalPart(env, list, c.subject, true)
	}
	if err != nil {
		return "Failed: " + err.Error()
	}
	if !res.Matched {
		return "no"
	}
	var b strings.Builder
	for i := 0; i < 3; i++ {
		v := ""
		if i < len(res.Vars) {
			v = res.Vars[i]
		}
		b.WriteString("[" + v + "]")
	}
	return b.String()
}

func TestVarsAgainstExim(t *testing.T) {
	dir := writeFixtures(t)
	var exprs []string
	for _, c := range varsCases {
		exprs = append(exprs, c.varsExpr(dir))
	}
	theirs := eximBe(t, exprs)
	for i, c := range varsCases {
		if ours := c.oursVars(dir); ours != theirs[i] {
			t.Errorf("%s\n  exim:  %q\n  exigo: %q", exprs[i], theirs[i], ours)
		}
	}
}
