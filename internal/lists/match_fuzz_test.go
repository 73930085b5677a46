package lists

import (
	"strings"
	"testing"
)

// FuzzMatch: no list or subject makes matching panic (file items are
// left out: the fuzzer must not read arbitrary files).
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"*.b : !a.b : ^x(y)", "<; 1.2.3.0/24 ; ::1", "*@+x : a@@ : @@", "+caseful : net24-lsearch;x", ": :", "!"} {
		f.Add(s, "a@b.c")
	}
	f.Fuzz(func(t *testing.T, list, subject string) {
		if strings.ContainsAny(list, "/") {
			return
		}
		env := &Env{PrimaryHostname: "h.test", LocalIPs: []string{"127.0.0.1"}, Named: testNamed}
		_, _ = MatchDomain(env, list, subject)
		_, _ = MatchLocalPart(env, list, subject, false)
		_, _ = MatchAddress(env, list, subject, true)
		_, _ = MatchHost(env, list, HostID{Addr: "10.1.2.3", Name: subject})
		_, _ = MatchIP(env, list, "::ffff:10.1.2.3")
	})
}
