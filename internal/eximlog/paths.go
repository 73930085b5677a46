package eximlog

import (
	"strings"

	"exigo/internal/lists"
)

// destinations is what log_file_path asks for.
type destinations struct {
	syslog bool
	files  bool
	path   pathTemplate
	// extra is set when log_file_path names more than one file path; Exim
	// complains about it on its first log write.
	extra bool
}

// pathTemplate is one file item of log_file_path: "%s" stands for main,
// reject or panic, and at most one "%D" or "%M" for the date.
type pathTemplate struct {
	raw   string
	stamp byte // 'D', 'M', or 0 for an undated path
}

// parseFilePath checks log_file_path as Exim's readconf does, then picks
// the destinations as its log_write does. value is already expanded.
func parseFilePath(value, spoolDir string) (destinations, error) {
	defaultPath := spoolDir + "/log/%slog"
	if value == "" {
		return destinations{files: true, path: newTemplate(defaultPath)}, nil
	}
	if err := checkFilePath(value); err != nil {
		return destinations{}, err
	}
	var d destinations
	it := lists.NewIterSep(value, ':')
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		switch {
		case item == "syslog":
			d.syslog = true
		case d.files:
			d.extra = true
		case item == "":
			d.files, d.path = true, newTemplate(defaultPath)
		default:
			d.files, d.path = true, newTemplate(item)
		}
	}
	if !d.syslog && !d.files {
		return d, plainError("Neither syslog nor file logging set in log_file_path")
	}
	return d, nil
}

// checkFilePath insists on "%s" in every file item, and allows only one
// further "%", the start of "%D" or "%M".
func checkFilePath(value string) error {
	it := lists.NewIterSep(value, ':')
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		if item == "" || item == "syslog" {
			continue
		}
		at := strings.Index(item, "%s")
		if at < 0 {
			return plainError(`log_file_path "` + item + `" does not contain "%s"`)
		}
		rest := item[:at] + "X" + item[at+1:]
		if p := strings.IndexByte(rest, '%'); p >= 0 {
			if p+1 >= len(rest) || (rest[p+1] != 'D' && rest[p+1] != 'M') ||
				strings.IndexByte(rest[p+2:], '%') >= 0 {
				return plainError(`log_file_path "` + value + `" contains unexpected "%" character`)
			}
		}
	}
	return nil
}

func newTemplate(raw string) pathTemplate {
	t := pathTemplate{raw: raw}
	rest := strings.Replace(raw, "%s", "", 1)
	if p := strings.IndexByte(rest, '%'); p >= 0 && p+1 < len(rest) {
		t.stamp = rest[p+1]
	}
	return t
}

// format builds a file name, returning where the date went (-1 if none).
func (t pathTemplate) format(kind, date string) (name string, dateAt int) {
	var b strings.Builder
	dateAt = -1
	kindDone := false
	for i := 0; i < len(t.raw); i++ {
		c := t.raw[i]
		if c == '%' && i+1 < len(t.raw) {
			switch next := t.raw[i+1]; {
			case next == 's' && !kindDone:
				b.WriteString(kind)
				kindDone = true
				i++
				continue
			case next == 'D' || next == 'M':
				dateAt = b.Len()
				b.WriteString(date)
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String(), dateAt
}

// panicName is the panic log's name: never dated. Exim drops the date
// together with the separator before it, or the one after it when the
// date starts the file name.
func (t pathTemplate) panicName() string {
	name, at := t.format("panic", "00000000"[:t.dateLen()])
	if at < 0 {
		return name
	}
	from, to := at, at+t.dateLen()
	if from == 0 || name[from-1] == '/' {
		if to < len(name) && !isAlnum(name[to]) {
			to++
		}
	} else if !isAlnum(name[from-1]) {
		from--
	}
	return name[:from] + name[to:]
}

func (t pathTemplate) dateLen() int {
	switch t.stamp {
	case 'D':
		return 8
	case 'M':
		return 6
	}
	return 0
}
