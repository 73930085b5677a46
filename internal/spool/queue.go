package spool

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"exigo/internal/syserr"
)

// listing is what a -bp mode asks for.
type listing struct {
	count       bool // -bpc
	random      bool // -bpr...: directory order, not sorted
	undelivered bool // -bpu: only undelivered recipients
	extras      bool // -bpa: also generated delivered addresses
}

var listModes = map[string]listing{
	"-bp":   {},
	"-bpa":  {extras: true},
	"-bpc":  {count: true},
	"-bpr":  {random: true},
	"-bpra": {random: true, extras: true},
	"-bpru": {random: true, undelivered: true},
	"-bpu":  {undelivered: true},
}

// PrintQueue writes the queue as Exim 4.96 lists it for mode, one of -bp,
// -bpa, -bpc, -bpr, -bpra, -bpru and -bpu; now gives the ages (and seeds
// the order of the -bpr modes, as the time does in Exim).
func PrintQueue(w io.Writer, sp *Spool, mode string, now time.Time) error {
	m, ok := listModes[mode]
	if !ok {
		return fmt.Errorf("spool: unknown queue listing mode %q", mode)
	}
	es, err := sp.scan(m.random, now)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if m.count {
		fmt.Fprintf(bw, "%d\n", len(es))
		return bw.Flush()
	}
	for _, e := range es {
		sp.printEntry(bw, e, m, now)
	}
	return bw.Flush()
}

// printEntry writes one message as Exim's queue_list does. A message
// whose -H file has gone meanwhile is left out.
func (sp *Spool) printEntry(w *bufio.Writer, e entry, m listing, now time.Time) {
	dir := filepath.Join(sp.Dir, "input", e.sub)
	h, err := ReadHeaderFile(filepath.Join(dir, e.name))
	var fe *FormatError
	if err != nil && !errors.As(err, &fe) {
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		h = nil
	}
	envRead := h != nil
	size := int64(0)
	if envRead {
		if st, serr := os.Stat(filepath.Join(dir, e.id()+"-D")); serr == nil {
			size = h.HeadersSize() + st.Size() - dataStart + 1
		}
		w.WriteString(formatAge(now.Unix() - h.Received.Unix()))
		addJournal(h, filepath.Join(dir, e.id()+"-J"))
	}
	fmt.Fprintf(w, "%s %s", FormatSize(size), e.id())
	if envRead {
		fmt.Fprintf(w, " <%s>", h.Sender)
		if h.SenderSetUntrusted {
			fmt.Fprintf(w, " (%s)", h.Originator)
		}
	}
	if err != nil {
		w.WriteString("\n    ")
		writeReadError(w, err, filepath.Join(dir, e.name))
		if !envRead {
			w.WriteString("\n\n")
			return
		}
	}
	if h.Frozen {
		w.WriteString(" *** frozen ***")
	}
	w.WriteByte('\n')
	printRecipients(w, h, m)
}

func writeReadError(w *bufio.Writer, err error, path string) {
	var fe *FormatError
	if !errors.As(err, &fe) {
		fmt.Fprintf(w, "*** spool read error: %s ***", syserr.Of(err))
		return
	}
	if st, serr := os.Stat(path); serr == nil {
		fmt.Fprintf(w, "*** spool format error: size=%d ***", st.Size())
		return
	}
	w.WriteString("*** spool format error ***")
}

// addJournal adds the addresses of a -J file (deliveries of an
// interrupted run) to the non-recipients, as -bp does.
func addJournal(h *Header, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if l == "" {
			continue
		}
		// Exim drops the last character, the newline of a whole line.
		h.NonRecipients, _ = h.NonRecipients.Insert(l[:len(l)-1])
	}
}

func printRecipients(w *bufio.Writer, h *Header, m listing) {
	listed := make(map[string]bool, len(h.Recipients))
	for _, r := range h.Recipients {
		delivered := h.NonRecipients.Contains(r.Address)
		if !delivered || !m.undelivered {
			mark := " "
			if delivered {
				mark = "D"
			}
			fmt.Fprintf(w, "        %s %s\n", mark, r.Address)
		}
		if delivered {
			listed[r.Address] = true
		}
	}
	if m.extras {
		h.NonRecipients.Walk(func(a string) {
			if !listed[a] {
				fmt.Fprintf(w, "       +D %s\n", a)
			}
		})
	}
	w.WriteByte('\n')
}

// formatAge is the age column: minutes up to 90, then hours up to 72,
// then days, with Exim's rounding.
func formatAge(secs int64) string {
	i := secs / 60
	if i <= 90 {
		return fmt.Sprintf("%2dm ", i)
	}
	i = (i + 30) / 60
	if i > 72 {
		return fmt.Sprintf("%2dd ", (i+12)/24)
	}
	return fmt.Sprintf("%2dh ", i)
}

// FormatSize is Exim's five-character size column (string_format_size):
// blank for 0, bytes below 1K, then K and M with one decimal below 10.
func FormatSize(size int64) string {
	switch {
	case size == 0:
		return "     "
	case size < 1024:
		return fmt.Sprintf("%5d", size)
	case size < 10*1024:
		return fmt.Sprintf("%4.1fK", float64(size)/1024)
	case size < 1024*1024:
		return fmt.Sprintf("%4dK", (size+512)/1024)
	case size < 10*1024*1024:
		return fmt.Sprintf("%4.1fM", float64(size)/(1024*1024))
	}
	return fmt.Sprintf("%4dM", (size+512*1024)/(1024*1024))
}
