package regex

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAgainstExim replays testdata/match.golden, recorded from Exim 4.96
// by TestRecordGolden: the match condition with $0..$3, and ${sg}.
func TestAgainstExim(t *testing.T) {
	f, err := os.Open("testdata/match.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		var v [4]string
		for i := range v {
			if v[i], err = strconv.Unquote(fields[i]); err != nil {
				t.Fatalf("bad golden line %q", sc.Text())
			}
		}
		pattern, subject, wantMatch, wantSg := v[0], v[1], v[2], v[3]
		if knownDifferences[pattern] {
			if _, err := Compile(pattern); err == nil {
				t.Errorf("%q: listed as unsupported but compiles", pattern)
			}
			continue
		}
		gotMatch, gotSg := emulate(pattern, subject)
		if gotMatch != wantMatch {
			t.Errorf("match %q on %q:\n got %q\nwant %q", pattern, subject, gotMatch, wantMatch)
		}
		if gotSg != wantSg {
			t.Errorf("sg %q on %q:\n got %q\nwant %q", pattern, subject, gotSg, wantSg)
		}
		n++
	}
	if n < 50 {
		t.Fatalf("only %d golden cases", n)
	}
}

// knownDifferences are patterns Exim accepts and we refuse to compile:
// \K (match start reset) has no equivalent in either engine.
var knownDifferences = map[string]bool{`a\Kb`: true}

// emulate computes what matchExpr and sgExpr give in Exim.
func emulate(pattern, subject string) (string, string) {
	re, err := Compile(pattern)
	if err != nil {
		msg := "Failed: " + err.Error()
		return msg, msg
	}
	match := "N"
	if m := re.FindStringSubmatch(subject); m != nil {
		var g [4]string
		copy(g[:], m)
		match = fmt.Sprintf("Y<%s><%s><%s><%s>", g[0], g[1], g[2], g[3])
	}
	var b strings.Builder
	last := 0
	for _, loc := range re.FindAllStringSubmatchIndex(subject, -1) {
		b.WriteString(subject[last:loc[0]])
		b.WriteString("[" + subject[loc[0]:loc[1]] + "]")
		last = loc[1]
	}
	b.WriteString(subject[last:])
	return match, b.String()
}
