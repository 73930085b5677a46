package address

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// goldenCase is one line of testdata/exim_golden.jsonl, recorded from
// Exim 4.96 by testdata/record.py. Strings carry bytes as code points
// 0-255.
type goldenCase struct {
	Op        string  `json:"op"`
	In        string  `json:"in"`
	Address   string  `json:"address"`
	LocalPart string  `json:"local_part"`
	Domain    string  `json:"domain"`
	Error     *string `json:"error"`
	Out       string  `json:"out"`
}

func bytesOf(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

func loadGolden(t *testing.T) []goldenCase {
	t.Helper()
	f, err := os.Open("testdata/exim_golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []goldenCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c goldenCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		c.In, c.Address, c.LocalPart = bytesOf(c.In), bytesOf(c.Address), bytesOf(c.LocalPart)
		c.Domain, c.Out = bytesOf(c.Domain), bytesOf(c.Out)
		if c.Error != nil {
			e := bytesOf(*c.Error)
			c.Error = &e
		}
		cases = append(cases, c)
	}
	if len(cases) < 40 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	return cases
}

// TestGolden replays what Exim 4.96 answered for ${address:},
// ${local_part:}, ${domain:}, ${addresses:}, ${quote_local_part:} and
// the syntax errors of exim -bt.
func TestGolden(t *testing.T) {
	for _, c := range loadGolden(t) {
		switch c.Op {
		case "extract":
			checkExtract(t, c)
		case "addresses":
			checkAddresses(t, c)
		case "quote":
			if got := QuoteLocalPart(c.In); got != c.Out {
				t.Errorf("QuoteLocalPart(%q) = %q, exim %q", c.In, got, c.Out)
			}
		default:
			t.Fatalf("unknown op %q", c.Op)
		}
	}
}

func checkExtract(t *testing.T, c goldenCase) {
	t.Helper()
	p, err := Extract(c.In)
	// The expansion operators give "" when parsing fails.
	want := Parsed{Address: c.Address, LocalPart: c.LocalPart, Domain: c.Domain}
	if p != want {
		t.Errorf("Extract(%q) = %+v, exim %+v (err %v)", c.In, p, want, err)
	}
	if c.Error == nil {
		return
	}
	got := ""
	if err != nil {
		got = err.Error()
	}
	if got != *c.Error {
		t.Errorf("Extract(%q) error %q, exim %q", c.In, got, *c.Error)
	}
}

func checkAddresses(t *testing.T, c goldenCase) {
	t.Helper()
	got, err := AddressList(c.In)
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if got != c.Out || msg != *c.Error {
		t.Errorf("AddressList(%q) = %q, %q; exim %q, %q", c.In, got, msg, c.Out, *c.Error)
	}
	if plain := Addresses(c.In); plain != c.Out {
		t.Errorf("Addresses(%q) = %q, exim %q", c.In, plain, c.Out)
	}
}
