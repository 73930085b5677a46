package bounce

import (
	"bufio"
	"os"
	"strings"

	"exigo/internal/syserr"
)

// template is a bounce_message_file or warn_message_file: paragraphs
// separated by lines of exactly "****", each expanded when it is used.
type template struct {
	sc *bufio.Scanner
	f  *os.File
}

// openTemplate expands the option to a path, which must be absolute and
// untainted, and opens it; problems are logged and give no template (the
// built-in texts are used).
func (bd *builder) openTemplate(option, reason string) *template {
	raw := bd.cfg.String(option)
	if raw == "" {
		return nil
	}
	path, tainted, err := bd.ctx.ExpandTaint(raw)
	switch {
	case err != nil || path == "":
		bd.log(true, "Failed to expand %s: '%s'\n", option, raw)
		return nil
	case path[0] != '/' || tainted:
		what := "absolute"
		if path[0] == '/' {
			what = "untainted"
		}
		bd.log(true, "%s is not %s after expansion: '%s'\n", option, what, path)
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		bd.log(true, "Failed to open %s for %s message texts: %s", path, reason, syserr.Of(err))
		return nil
	}
	return &template{sc: bufio.NewScanner(f), f: f}
}

func (t *template) close() {
	if t != nil {
		t.f.Close()
	}
}

// next reads and expands the next paragraph (Exim's next_emf); an empty
// one, the end of the file, or a failed expansion gives ok false and the
// built-in text is used.
func (bd *builder) next(t *template, which string) (string, bool) {
	if t == nil {
		return "", false
	}
	var para strings.Builder
	for t.sc.Scan() {
		line := t.sc.Text()
		if line == "****" {
			break
		}
		para.WriteString(line + "\n")
	}
	if para.Len() == 0 {
		return "", false
	}
	s, err := bd.ctx.Expand(para.String())
	if err != nil {
		bd.log(true, "Failed to expand string from bounce_message_file or warn_message_file (%s): %s", which, err)
		return "", false
	}
	return s, true
}
