package eximlog

import (
	"testing"
)

func TestParseFilePath(t *testing.T) {
	for _, tc := range []struct {
		value        string
		syslog       bool
		path         string // "" when no files
		extra        bool
		main, panicN string
	}{
		{"", false, "/spool/log/%slog", false, "/spool/log/mainlog", "/spool/log/paniclog"},
		{":", false, "/spool/log/%slog", false, "/spool/log/mainlog", "/spool/log/paniclog"},
		{"syslog", true, "", false, "", ""},
		{"syslog : ", true, "", false, "", ""}, // a trailing empty item is no item
		{": syslog", true, "/spool/log/%slog", false, "/spool/log/mainlog", "/spool/log/paniclog"},
		{" /var/log/exim/%slog-%D : syslog", true, "/var/log/exim/%slog-%D", false,
			"/var/log/exim/mainlog-20261130", "/var/log/exim/paniclog"},
		{"/l/%slog-%D : /l/other%s", false, "/l/%slog-%D", true, "/l/mainlog-20261130", "/l/paniclog"},
		{"/l/%D%slog", false, "/l/%D%slog", false, "/l/20261130mainlog", "/l/paniclog"},
		{"/l/%D-%slog", false, "/l/%D-%slog", false, "/l/20261130-mainlog", "/l/paniclog"},
		{"/l/a-%M/%slog", false, "/l/a-%M/%slog", false, "/l/a-202611/mainlog", "/l/a/paniclog"},
		{"/l/%slog.%M", false, "/l/%slog.%M", false, "/l/mainlog.202611", "/l/paniclog"},
		{"/l/x%M%s", false, "/l/x%M%s", false, "/l/x202611main", "/l/xpanic"},
		{"/l/%s::x", false, "/l/%s:x", false, "/l/main:x", "/l/panic:x"},
	} {
		d, err := parseFilePath(tc.value, "/spool")
		if err != nil {
			t.Errorf("%q: %v", tc.value, err)
			continue
		}
		if d.syslog != tc.syslog || d.files != (tc.path != "") || d.extra != tc.extra {
			t.Errorf("%q: got %+v", tc.value, d)
		}
		if tc.path == "" {
			continue
		}
		if d.path.raw != tc.path {
			t.Errorf("%q: path %q want %q", tc.value, d.path.raw, tc.path)
		}
		date := "20261130"[:d.path.dateLen()]
		if main, _ := d.path.format("main", date); main != tc.main {
			t.Errorf("%q: main %q want %q", tc.value, main, tc.main)
		}
		if p := d.path.panicName(); p != tc.panicN {
			t.Errorf("%q: panic %q want %q", tc.value, p, tc.panicN)
		}
	}
}

// The texts are those of Exim 4.96 (see TestSettingsAgainstExim).
func TestFilePathErrors(t *testing.T) {
	for value, want := range map[string]string{
		"/l/log":                       `log_file_path "/l/log" does not contain "%s"`,
		"syslog : /l/log":              `log_file_path "/l/log" does not contain "%s"`,
		"/l/%Ss":                       `log_file_path "/l/%Ss" does not contain "%s"`,
		"/l/%slog%d":                   `log_file_path "/l/%slog%d" contains unexpected "%" character`,
		"syslog : /l/%slog%d":          `log_file_path "syslog : /l/%slog%d" contains unexpected "%" character`,
		"/l/%slog-%D-%M":               `log_file_path "/l/%slog-%D-%M" contains unexpected "%" character`,
		"/l/%slog-%M%%":                `log_file_path "/l/%slog-%M%%" contains unexpected "%" character`,
		"/l/%s%s":                      `log_file_path "/l/%s%s" contains unexpected "%" character`,
		"/l/%slog%":                    `log_file_path "/l/%slog%" contains unexpected "%" character`,
		"/l/%slog : /l/x":              `log_file_path "/l/x" does not contain "%s"`,
		"   ":                          "Neither syslog nor file logging set in log_file_path",
		"/l/%slog-%D : /l/%slog%d-%D ": `log_file_path "/l/%slog-%D : /l/%slog%d-%D " contains unexpected "%" character`,
	} {
		_, err := parseFilePath(value, "/spool")
		if err == nil {
			t.Errorf("%q: no error", value)
			continue
		}
		if e := err.(*Error); e.Msg != want || e.Config {
			t.Errorf("%q:\n got %q\nwant %q", value, e.Msg, want)
		}
	}
}
