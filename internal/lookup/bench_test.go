package lookup

import (
	"fmt"
	"strings"
	"testing"
)

const benchLines = 100000

// benchFile writes an lsearch file of benchLines lines, every tenth item
// with a continuation line.
func benchFile(b *testing.B) string {
	var sb strings.Builder
	for i := 0; i < benchLines; i++ {
		if i%10 == 9 {
			fmt.Fprintf(&sb, "  continued data %d\n", i)
			continue
		}
		fmt.Fprintf(&sb, "Key%d.example: data for key %d\n", i, i)
	}
	return writeFile(b, "bench", sb.String())
}

func dropParsedFiles() {
	lsFilesMu.Lock()
	lsFiles = map[string]*lsFile{}
	lsFilesMu.Unlock()
}

// BenchmarkLsearchCold opens, indexes and searches a 100,000-line file.
func BenchmarkLsearchCold(b *testing.B) {
	file := benchFile(b)
	spec, _ := ParseSpec("lsearch")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Tidy()
		dropParsedFiles()
		res, err := spec.Find(file, "key99998.example")
		if err != nil || !res.Found {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

// BenchmarkLsearchWarmIndex searches the open file without the result
// cache (cache=no), that is the index alone.
func BenchmarkLsearchWarmIndex(b *testing.B) {
	file := benchFile(b)
	spec, _ := ParseSpec("lsearch,cache=no")
	Tidy()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res, _ := spec.Find(file, "KEY12340.example"); !res.Found {
			b.Fatal("not found")
		}
	}
}

// BenchmarkLsearchWarm searches the same file once it is open: a mix of
// keys seen before (result cache) and new ones (index).
func BenchmarkLsearchWarm(b *testing.B) {
	file := benchFile(b)
	spec, _ := ParseSpec("lsearch")
	Tidy()
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprintf("KEY%d.example", (i*7919)%benchLines/10*10)
	}
	if _, err := spec.Find(file, keys[0]); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res, _ := spec.Find(file, keys[i%len(keys)]); !res.Found {
			b.Fatalf("%s not found", keys[i%len(keys)])
		}
	}
}

// BenchmarkLMDB searches an LMDB file made by mdb_load.
func BenchmarkLMDB(b *testing.B) {
	var dump strings.Builder
	dump.WriteString("VERSION=3\nformat=print\ntype=btree\nHEADER=END\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&dump, " key%d\n value %d\n", i, i)
	}
	dump.WriteString("DATA=END\n")
	db := makeLmdb(b, dump.String())
	spec, _ := ParseSpec("lmdb,cache=no_rd") // measure LMDB, not our cache
	Tidy()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res, err := spec.Find(db, fmt.Sprintf("key%d", i%10000)); err != nil || !res.Found {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
