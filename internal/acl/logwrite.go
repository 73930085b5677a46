package acl

import (
	"fmt"
	"strings"

	"exigo/internal/expand/funcs"
)

// MultiLogger is a Logger that can write one entry to several logs at
// once. Exim's logwrite makes a single log entry whatever logs it names,
// which shows in -bh, where each entry is one "LOG:" line.
type MultiLogger interface {
	Logs(main, reject, panic bool, text string)
}

// logwrite is the logwrite modifier: ":main,reject: text" names the logs
// (main by default); the text is written with non-printing characters
// escaped, as Exim's string_printing does.
func (r *run) logwrite(val string) {
	if r.env.Log == nil {
		return
	}
	main, reject, panic, text := r.logwriteTargets(val)
	text = funcs.Escape(text)
	if ml, ok := r.env.Log.(MultiLogger); ok {
		ml.Logs(main, reject, panic, text)
		return
	}
	if main {
		r.env.Log.Main(text)
	}
	if reject {
		r.env.Log.Reject(text)
	}
	if panic {
		r.env.Log.Panic(text)
	}
}

// logwriteTargets splits off the leading ":logs:"; an unknown log name
// turns the entry into a complaint to the main and panic logs.
func (r *run) logwriteTargets(val string) (main, reject, panic bool, text string) {
	text = val
	if strings.HasPrefix(val, ":") {
		if end := strings.IndexByte(val[1:], ':'); end >= 0 {
			for _, name := range strings.Split(val[1:1+end], ",") {
				switch name {
				case "main":
					main = true
				case "reject":
					reject = true
				case "panic":
					panic = true
				default:
					return true, false, true, fmt.Sprintf("unknown log name in \"%s\" in \"logwrite\" in %s ACL", val, r.where.Name())
				}
			}
			text = val[end+2:]
		}
	}
	if !main && !reject && !panic {
		main = true
	}
	return main, reject, panic, strings.TrimLeft(text, " \t\n\r\f\v")
}
