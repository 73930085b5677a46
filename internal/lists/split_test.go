package lists

import (
	"reflect"
	"testing"
)

// The expectations were recorded from Exim 4.96 with
// ${reduce{LIST}{}{$value[$item]}}.
func TestSplit(t *testing.T) {
	tests := []struct {
		list string
		want []string
	}{
		{"a:b", []string{"a", "b"}},
		{"a::b", []string{"a:b"}},
		{":", []string{""}},
		{": :", []string{"", ""}},
		{"::", []string{":"}},
		{"a:", []string{"a"}},
		{" a : b ", []string{"a", "b"}},
		{"<; a;b:c", []string{"a", "b:c"}},
		{"<;a;;b", []string{"a;b"}},
		{"<", nil},
		{"<a", []string{"<a"}},
		{"< ; a;b", []string{"< ; a;b"}},
		{" <;a;b", []string{"a", "b"}},
		{"<\n", nil},
		{"a\\ : b", []string{"a\\ ", "b"}},
		{"a\\  : b", []string{"a\\ ", "b"}},
		{"", nil},
		{"   ", nil},
		{"a: :", []string{"a", ""}},
		{":a", []string{"", "a"}},
		{"<:a::b", []string{"a:b"}},
		{"<+a+b", []string{"a", "b"}},
		{"<<a<b", []string{"a", "b"}},
		{"<,a,,b,", []string{"a,b"}},
		{"<\ta\tb", []string{"a", "b"}},
		{"<\na\n\nb\n", []string{"a", "", "b"}},
		{"<\n a \n b", []string{"a", "b"}},
		{"a\t:b", []string{"a", "b"}},
		{"127.0.0.1 : ::::1", []string{"127.0.0.1", "::1"}},
		{"127.0.0.1::::1", []string{"127.0.0.1::1"}}, // not as the manual says
		{"a: ::b", []string{"a", ":b"}},
		{"<; ;;a;b", []string{";a", "b"}},
		{"a:::b", []string{"a:", "b"}},
		{"a::::b", []string{"a::b"}},
		{"a:b::", []string{"a", "b:"}},
	}
	for _, tt := range tests {
		if got := Split(tt.list); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.list, got, tt.want)
		}
	}
}

func TestSplitSep(t *testing.T) {
	if got := SplitSep("<;a;b", ';'); !reflect.DeepEqual(got, []string{"<", "a", "b"}) {
		t.Errorf("fixed separator took a <c prefix: %q", got)
	}
	if got := SplitSep("a,,b, c", ','); !reflect.DeepEqual(got, []string{"a,b", "c"}) {
		t.Errorf("SplitSep = %q", got)
	}
}

func TestIterNoAllocation(t *testing.T) {
	list := "alpha.example : beta.example : *.gamma.example : !delta"
	n := testing.AllocsPerRun(100, func() {
		it := NewIter(list)
		for _, ok := it.Next(); ok; _, ok = it.Next() {
		}
	})
	if n != 0 {
		t.Errorf("Iter allocates %v times per list", n)
	}
}
