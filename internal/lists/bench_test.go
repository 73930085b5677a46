package lists

import "testing"

const benchList = "alpha.example : beta.example : *.gamma.example : !bad.delta.example : *.delta.example : myhost.test.ex"

func BenchmarkMatchDomainLiteralList(b *testing.B) {
	env := &Env{PrimaryHostname: "myhost.test.ex"}
	for b.Loop() {
		if res, _ := MatchDomain(env, benchList, "myhost.test.ex"); !res.Matched {
			b.Fatal("no match")
		}
	}
}

func BenchmarkMatchIP(b *testing.B) {
	list := "<; 10.0.0.0/8 ; 192.168.0.0/16 ; 2001:db8::/32 ; 172.16.0.0/12"
	for b.Loop() {
		if res, _ := MatchIP(nil, list, "172.17.1.2"); !res.Matched {
			b.Fatal("no match")
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	for b.Loop() {
		it := NewIter(benchList)
		for _, ok := it.Next(); ok; _, ok = it.Next() {
		}
	}
}
