package lookup

import (
	"io"
	"os"
	"sync"
	"syscall"
)

// lsFile is a parsed lsearch-format file. It is immutable once built
// (the lazily built index and IP keys are guarded by sync.Once), so any
// number of goroutines may search it.
type lsFile struct {
	id      fileID
	entries []lsEntry

	indexOnce sync.Once
	index     map[string]int32 // lower-cased key -> first entry with it

	ipOnce sync.Once
	ips    []ipKey
}

// fileID identifies one version of a file: a change of any field means
// the file was rewritten or replaced.
type fileID struct {
	dev, ino, size   uint64
	mtimeNs, ctimeNs int64
}

func idOf(fi os.FileInfo) fileID {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{size: uint64(fi.Size()), mtimeNs: fi.ModTime().UnixNano()}
	}
	return fileID{
		dev: uint64(st.Dev), ino: st.Ino, size: uint64(st.Size),
		mtimeNs: st.Mtim.Nano(), ctimeNs: st.Ctim.Nano(),
	}
}

// The parsed files outlive Tidy: a file is parsed again only when its
// identity (stat) changes, and that is checked each time a handle is
// opened, that is once per file between two Tidy calls. Exim re-reads
// the file on every lookup; a snapshot per Tidy cycle is the price of
// indexed lookups.
var (
	lsFilesMu sync.Mutex
	lsFiles   = map[string]*lsFile{}
)

// maxParsedFiles bounds the parsed-file cache; beyond it the cache starts
// afresh (files in use stay referenced by their handles).
const maxParsedFiles = 256

// loadLsFile returns the parsed contents of the open file f named path.
func loadLsFile(path string, f *os.File, fi os.FileInfo) (*lsFile, error) {
	id := idOf(fi)
	lsFilesMu.Lock()
	cached := lsFiles[path]
	lsFilesMu.Unlock()
	if cached != nil && cached.id == id {
		return cached, nil
	}
	buf := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
	lf := &lsFile{id: id, entries: parseLsearch(string(buf))}
	lsFilesMu.Lock()
	if len(lsFiles) >= maxParsedFiles {
		lsFiles = map[string]*lsFile{}
	}
	lsFiles[path] = lf
	lsFilesMu.Unlock()
	return lf, nil
}

// lookupKey finds the first entry whose key equals key, ignoring ASCII case.
func (lf *lsFile) lookupKey(key string) *lsEntry {
	lf.indexOnce.Do(lf.buildIndex)
	i, ok := lf.index[lowerASCII(key)]
	if !ok {
		return nil
	}
	return &lf.entries[i]
}

func (lf *lsFile) buildIndex() {
	lf.index = make(map[string]int32, len(lf.entries))
	for i := range lf.entries {
		k := lowerASCII(lf.entries[i].key)
		if _, dup := lf.index[k]; !dup {
			lf.index[k] = int32(i)
		}
	}
}
