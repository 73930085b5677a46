package dnsx

import (
	"reflect"
	"testing"
)

func TestCandidates(t *testing.T) {
	r := &Resolver{Servers: []string{"127.0.0.1:53"}, Search: []string{"a.test", "b.test"}}
	for _, c := range []struct {
		name string
		o    SearchOptions
		want []string
	}{
		{"mx", SearchOptions{QualifySingle: true}, []string{"mx.a.test", "mx"}},
		{"mx", SearchOptions{QualifySingle: true, SearchParents: true}, []string{"mx.a.test", "mx.b.test", "mx"}},
		{"mx", SearchOptions{}, []string{"mx"}},
		{"x.y", SearchOptions{QualifySingle: true}, []string{"x.y"}},
		{"x.y", SearchOptions{SearchParents: true}, []string{"x.y", "x.y.a.test", "x.y.b.test"}},
		{"mx.", SearchOptions{QualifySingle: true, SearchParents: true}, []string{"mx"}},
	} {
		if got := r.Candidates(c.name, c.o); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q %+v: %v, want %v", c.name, c.o, got, c.want)
		}
	}
	if got := (&Resolver{Servers: []string{"x:53"}}).Candidates("mx", SearchOptions{QualifySingle: true}); !reflect.DeepEqual(got, []string{"mx"}) {
		t.Errorf("no search list: %v", got)
	}
}
