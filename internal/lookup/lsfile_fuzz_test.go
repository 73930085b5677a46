package lookup

import (
	"strings"
	"testing"
)

// linearFind is a line-by-line model of Exim's lsearch scan, kept simple
// on purpose: the index must give the same answers.
func linearFind(text, key string) (string, bool) {
	lines := splitLines(text)
	for i, line := range lines {
		if line == "" || line[0] == '#' || isSpace(line[0]) {
			continue
		}
		k, rest := splitKey(line)
		if !strings.EqualFold(k, key) || !asciiOnly(k+key) {
			continue
		}
		data := strings.TrimLeft(rest, " \t\v\f\r\n")
		if strings.HasPrefix(data, ":") {
			data = strings.TrimLeft(data[1:], " \t\v\f\r\n")
		}
		for _, c := range lines[i+1:] {
			if c == "" || c[0] == '#' || !isSpace(c[0]) {
				break
			}
			data += " " + strings.TrimLeft(c, " \t\v\f\r\n")
		}
		return data, true
	}
	return "", false
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func FuzzLsearchIndex(f *testing.F) {
	f.Add(lsearchCorners, "a")
	f.Add("A: x\na: y\n", "a")
	f.Add("\"k\\\"q\": v\n  more\n\n  gone\n", "k\"q")
	f.Fuzz(func(t *testing.T, text, key string) {
		if key == "" || !asciiOnly(text+key) {
			return
		}
		lf := &lsFile{entries: parseLsearch(text)}
		want, wantOK := linearFind(text, key)
		var got string
		e := lf.lookupKey(key)
		if e != nil {
			got = e.data()
		}
		if (e != nil) != wantOK || got != want {
			t.Fatalf("key %q in %q: index %q (%v), scan %q (%v)", key, text, got, e != nil, want, wantOK)
		}
	})
}
