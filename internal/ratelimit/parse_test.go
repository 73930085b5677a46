package ratelimit

import (
	"errors"
	"testing"

	"exigo/internal/expand/funcs"
)

func rcpt() *Input {
	return &Input{Where: WhereRCPT, WhereName: "RCPT", HostAddress: "10.0.0.1",
		Recipients: 1, MessageSize: -1, LocalPart: "u1", Domain: "d"}
}

func at(where int, name string) *Input {
	in := rcpt()
	in.Where, in.WhereName = where, name
	return in
}

// The keys and counts are those Exim 4.96 printed with -d+acl
// ("ratelimit condition count=... limit/key") for the same arguments.
func TestParseKeys(t *testing.T) {
	data := at(5, "DATA")
	data.Recipients = 3
	mail := at(WhereMAIL, "MAIL")
	mail.MessageSize = 500
	cases := []struct {
		arg   string
		in    *Input
		key   string
		count string
		limit string
	}{
		{"2 / 1h / per_byte", mail, "1h/per_mail/10.0.0.1", "500", "2.0"},
		{"1k / 1h / per_mail / count=3", mail, "1h/per_mail/10.0.0.1", "3", "1024.0"},
		{"3 / 1h / per_addr", rcpt(), "1h/per_rcpt/unique/10.0.0.1", "1", "3.0"},
		{"3 / 1h / per_rcpt / strict / x//y", rcpt(), "1h/per_rcpt/x/y", "1", "3.0"},
		{"3 / 1h / per_rcpt", data, "1h/per_rcpt/10.0.0.1", "3", "3.0"},
		{"3 / 1h / per_addr / noupdate", data, "1h/per_rcpt/unique/10.0.0.1", "0", "3.0"},
		{"1/1h/per_rcpt", mail, "1h/per_rcpt/10.0.0.1", "0", "1.0"},
		{"k/1h", rcpt(), "1h/per_mail/10.0.0.1", "1", "0.0"},
		{"1.5e1/1h", rcpt(), "1h/per_mail/10.0.0.1", "1", "15.0"},
		{"0x10/1h", rcpt(), "1h/per_mail/10.0.0.1", "1", "16.0"},
		{" 2k / 1h", rcpt(), "1h/per_mail/10.0.0.1", "1", "2048.0"},
		{"10/1h/per_rcpt/count=2.5/k1/k2", rcpt(), "1h/per_rcpt/k1/k2", "2", "10.0"},
		{"10/1h/per_byte", rcpt(), "1h/per_mail/10.0.0.1", "0", "10.0"},
		{"10/1h/per_addr/strict", rcpt(), "1h/per_rcpt/unique/10.0.0.1", "1", "10.0"},
		{"10/1h/per_mail/readonly/noupdate", rcpt(), "1h/per_mail/10.0.0.1", "0", "10.0"},
		{"10/1h/unique=abc", rcpt(), "1h/per_mail/unique/10.0.0.1", "1", "10.0"},
		{"inf/1h", rcpt(), "1h/per_mail/10.0.0.1", "1", "inf"},
		{"nan/1h", rcpt(), "1h/per_mail/10.0.0.1", "1", "nan"},
		{"1/1h/count=inf", rcpt(), "1h/per_mail/10.0.0.1", "inf", "1.0"},
		{"10/2w3d/per_cmd", rcpt(), "2w3d/per_cmd/10.0.0.1", "1", "10.0"},
		{"1m/1h/per_mail", rcpt(), "1h/per_mail/10.0.0.1", "1", "1048576.0"},
		{"10/1h/count= 3", rcpt(), "1h/per_mail/10.0.0.1", "3", "10.0"},
		{"10/1h/ /strict", rcpt(), "1h/per_mail/", "1", "10.0"},
		{"10/1h/PER_CONN/Strict", rcpt(), "1h/per_conn/10.0.0.1", "1", "10.0"},
		{"10/1h", &Input{Where: WhereNotSMTP, MessageSize: -1}, "1h/per_mail/", "1", "10.0"},
	}
	for _, c := range cases {
		sp, err := Parse(c.arg, c.in)
		if err != nil {
			t.Errorf("%q: %v", c.arg, err)
			continue
		}
		if sp.Key != c.key || formatF(sp.Count, 0) != c.count || formatF(sp.Limit, 1) != c.limit {
			t.Errorf("%q: key %q count %s limit %s, want %q %s %s", c.arg,
				sp.Key, formatF(sp.Count, 0), formatF(sp.Limit, 1), c.key, c.count, c.limit)
		}
	}
}

func TestParseVarsText(t *testing.T) {
	sp, err := Parse(" 2k / 1h30m / x//y ", rcpt())
	if err != nil {
		t.Fatal(err)
	}
	if sp.LimitText != "2k" || sp.PeriodText != "1h30m" || sp.Period != 5400 {
		t.Errorf("texts %q %q period %v", sp.LimitText, sp.PeriodText, sp.Period)
	}
}

func TestParseModes(t *testing.T) {
	cases := []struct {
		arg                     string
		in                      *Input
		leaky, strict, readonly bool
	}{
		{"1/1h", rcpt(), true, false, false},
		{"1/1h/strict", rcpt(), false, true, false},
		{"1/1h/readonly", rcpt(), false, false, true},
		{"1/1h/leaky/noupdate", rcpt(), false, false, true},
		{"1/1h/per_mail", at(9, "connection"), false, false, true}, // not meaningful there
		{"1/1h/per_mail/strict/noupdate", at(9, "connection"), false, false, true},
		{"1/1h/per_conn", at(WhereNotSMTP, "non-SMTP"), false, false, true},
		{"1/1h/per_conn", at(9, "connection"), true, false, false},
	}
	for _, c := range cases {
		sp, err := Parse(c.arg, c.in)
		if err != nil {
			t.Errorf("%q: %v", c.arg, err)
			continue
		}
		if sp.Leaky != c.leaky || sp.Strict != c.strict || sp.Readonly != c.readonly {
			t.Errorf("%q in %s: leaky %v strict %v readonly %v", c.arg, c.in.WhereName, sp.Leaky, sp.Strict, sp.Readonly)
		}
	}
}

// The messages are those Exim 4.96 logged for the same arguments.
func TestParseErrors(t *testing.T) {
	const pre = `error in arguments to "ratelimit" condition: `
	cases := []struct{ arg, msg string }{
		{"", "sender rate limit not set"},
		{"5", `"NULL" is not a time value`},
		{"5/", `"NULL" is not a time value`},
		{"-1/1h", `"-1" is not a positive number`},
		{"x/1h", `"x" is not a positive number`},
		{"1kk/1h", `"1kk" is not a positive number`},
		{"10/0s", `"0s" is not a time value`},
		{"10/1h30", `"1h30" is not a time value`},
		{"10/60", `"60" is not a time value`},
		{"10/1x", `"1x" is not a time value`},
		{"10/ /x", `"" is not a time value`},
		{"10/1h//strict", `"1h/strict" is not a time value`},
		{"10/1h/per_mail/per_rcpt", "conflicting per_* options"},
		{"10/1h/per_mail/per_mail", "conflicting per_* options"},
		{"10/1h/leaky/strict", "conflicting update modes"},
		{"10/1h/readonly/strict", "conflicting update modes"},
		{"10/1h/per_conn/count=-1", `"count=-1" is not a positive number`},
		{"10/1h/count=abc", `"count=abc" is not a positive number`},
		{"10/1h/count=abc/per_mail/per_rcpt", `"count=abc" is not a positive number`},
	}
	for _, c := range cases {
		_, err := Parse(c.arg, rcpt())
		var e *Error
		if !errors.As(err, &e) || e.Msg != pre+c.msg || e.Defer {
			t.Errorf("%q: got %v, want %s", c.arg, err, c.msg)
		}
	}
	_, err := Parse("1/1h/per_mail/leaky", at(9, "connection"))
	want := pre + `"per_mail" must not have /leaky or /strict option, or cannot be used in connection ACL`
	if err == nil || err.Error() != want {
		t.Errorf("bad ACL: %v", err)
	}
	_, err = Parse("1/1h/per_addr/strict", at(5, "DATA"))
	want = pre + `"per_rcpt" must not have /leaky or /strict option, or cannot be used in DATA ACL`
	if err == nil || err.Error() != want {
		t.Errorf("bad ACL: %v", err)
	}
}

func TestStrtod(t *testing.T) {
	cases := []struct {
		in, val, rest string
	}{
		{"12", "12", ""}, {"1.5k", "1.5", "k"}, {".5", "0.5", ""}, {"5.", "5", ""},
		{"1e3", "1000", ""}, {"1e", "1", "e"}, {"1e+", "1", "e+"}, {"0x1A", "26", ""},
		{"0x", "0", "x"}, {"0x1p4", "16", ""}, {"-2", "-2", ""}, {"  7", "7", ""},
		{"INFINITY", "inf", ""}, {"infx", "inf", "x"}, {"nan(12)", "nan", ""},
		{"k", "0", "k"}, {"", "0", ""}, {"+", "0", "+"}, {".", "0", "."},
	}
	for _, c := range cases {
		v, rest := strtod(c.in)
		if formatF(v, -1) != c.val && !(c.val == "nan" && v != v) || rest != c.rest {
			t.Errorf("strtod(%q) = %v %q, want %s %q", c.in, v, rest, c.val, c.rest)
		}
	}
}

func TestReadTime(t *testing.T) {
	cases := map[string]int32{
		"1h": 3600, "2w3d": 2*604800 + 3*86400, "1d2h3m4s": 93784, "0s": 0,
		"1h30": -1, "60": -1, "": -1, "h": -1, "1h ": -1, "1.5s": -1,
		"4294967296s": 0, "99999999999999999999s": -1, // C int truncation; strtol saturates
		"3000000000s": -1294967296,
		// Exim 4.96 accepts these two periods and refuses the week count.
		"6000000000s": 1705032704, "4294967297s": 1, "1000000w": -790388736,
	}
	for in, want := range cases {
		if got := funcs.ReadTime(in); got != want {
			t.Errorf("ReadTime(%q) = %d, want %d", in, got, want)
		}
	}
}
