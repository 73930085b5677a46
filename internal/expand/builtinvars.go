package expand

import (
	"os"
	"strconv"
	"time"

	"exigo/internal/lookup"
)

// EximVersion is what $exim_version and $version_number report, so that
// configurations' version checks behave as under Exim 4.96.
const EximVersion = "4.96"

// now is replaceable in tests.
var now = time.Now

func init() {
	todVars := map[string]func(time.Time) string{
		"tod_bsdinbox": func(t time.Time) string { return t.Format("Mon Jan 02 15:04:05 2006") },
		"tod_epoch":    func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) },
		"tod_epoch_l":  func(t time.Time) string { return strconv.FormatInt(t.UnixMicro(), 10) },
		"tod_full":     func(t time.Time) string { return t.Format("Mon, 02 Jan 2006 15:04:05 -0700") },
		"tod_log":      func(t time.Time) string { return t.Format("2006-01-02 15:04:05") },
		"tod_logfile":  func(t time.Time) string { return t.Format("20060102") },
		"tod_zone":     func(t time.Time) string { return t.Format("-0700") },
		"tod_zulu":     func(t time.Time) string { return t.UTC().Format("20060102150405Z") },
	}
	for name, format := range todVars {
		format := format
		RegisterVar(name, func(*Context) (string, bool, bool) { return format(now()), false, true })
	}
	constant := func(v string) func(*Context) (string, bool, bool) {
		return func(*Context) (string, bool, bool) { return v, false, true }
	}
	RegisterVar("pid", func(*Context) (string, bool, bool) { return strconv.Itoa(os.Getpid()), false, true })
	RegisterVar("exim_version", constant(EximVersion))
	RegisterVar("version_number", constant(EximVersion))
	RegisterVar("caller_uid", constant(strconv.Itoa(os.Getuid())))
	RegisterVar("caller_gid", constant(strconv.Itoa(os.Getgid())))

	// wildlsearch expands its keys with a zero context.
	lookup.ExpandHook = func(s string) (string, error) { return (&Context{}).Expand(s) }
	lookup.IsForcedFailHook = IsForcedFail
}
