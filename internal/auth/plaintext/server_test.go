package plaintext

import (
	"strings"
	"testing"
)

// session is one scripted SMTP connection and what Exim 4.96 answered to
// it (recorded with -bh, checked again by TestServerAgainstExim).
type session struct {
	name    string
	lines   []string
	replies []string
	logs    []string
}

const logPrefix = "LOG: "

func failLog(name, detail string) string {
	return logPrefix + name + " authenticator failed for (x) [10.0.0.1]: " + detail
}

var manualEHLO = "AUTH PLAIN LOGIN X-ODD MANY X-BADPROMPTS LOWER"

var manualHiddenLog = logPrefix + `failed to expand condition "${if >{a}{1}}" for hidden authenticator: integer expected but "a" found`

var manualSessions = []session{
	{"PLAIN with initial response",
		[]string{"AUTH PLAIN " + b64("\x00username\x00mysecret")},
		[]string{"235 Authentication succeeded"}, nil},
	{"PLAIN after an empty prompt",
		[]string{"AUTH PLAIN", b64("\x00username\x00mysecret")},
		[]string{"334 ", "235 Authentication succeeded"}, nil},
	{"PLAIN wrong, then = , then lower case",
		[]string{"AUTH PLAIN " + b64("\x00username\x00wrong"), "AUTH PLAIN =", "auth plain", b64("\x00username\x00mysecret")},
		[]string{"535 Incorrect authentication data", "535 Incorrect authentication data", "334 ", "235 Authentication succeeded"},
		[]string{failLog("fixed_plain", "535 Incorrect authentication data (set_id=username)"),
			failLog("fixed_plain", "535 Incorrect authentication data")}},
	{"LOGIN wrong, then right",
		[]string{"AUTH LOGIN", b64("username"), b64("wrong"), "AUTH LOGIN", b64("username"), b64("mysecret")},
		[]string{"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "535 Incorrect authentication data",
			"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 Authentication succeeded"},
		[]string{failLog("fixed_login", "535 Incorrect authentication data (set_id=username)")}},
	{"LOGIN with both items at once",
		[]string{"AUTH LOGIN " + b64("username\x00mysecret")},
		[]string{"235 Authentication succeeded"}, nil},
	{"cancel and bad base64",
		[]string{"AUTH LOGIN", "*", "AUTH LOGIN", b64("username"), "*", "AUTH LOGIN", "QQ", "AUTH LOGIN QQ", "AUTH PLAIN !"},
		[]string{"334 VXNlcm5hbWU6", "501 Authentication cancelled", "334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6",
			"501 Authentication cancelled", "334 VXNlcm5hbWU6", "501 Invalid base64 data", "501 Invalid base64 data",
			"501 Invalid base64 data"},
		[]string{failLog("fixed_login", "501 Authentication cancelled"), failLog("fixed_login", "501 Authentication cancelled"),
			failLog("fixed_login", "501 Invalid base64 data"), failLog("fixed_login", "501 Invalid base64 data"),
			failLog("fixed_plain", "501 Invalid base64 data")}},
	{"odd value, its text kept for the next deferral",
		[]string{"AUTH X-ODD " + b64("odd\x00x"), "AUTH X-ODD " + b64("error\x00x"), "AUTH X-ODD " + b64("forced\x00x")},
		[]string{"435 Unable to authenticate at present: hello world", "435 Unable to authenticate at present: hello world",
			"535 Incorrect authentication data"},
		[]string{failLog("odd", "435 Unable to authenticate at present (set_id=odd): hello world"),
			failLog("odd", `435 Unable to authenticate at present (set_id=error): integer expected but "x" found`),
			failLog("odd", "535 Incorrect authentication data (set_id=forced)")}},
	{"set id fails after success, unprintable set id",
		[]string{"AUTH X-ODD " + b64("noid\x00secret"), "AUTH X-ODD", b64("a\nb\x01\tc"), b64("wrong")},
		[]string{"435 Unable to authenticate at present", "334 TmFtZQ==", "334 U2VjcmV0", "535 Incorrect authentication data"},
		[]string{failLog("odd", "535 Incorrect authentication data (set_id=a\\nb\\001\tc)")}},
	{"more items than prompts and numbered variables",
		[]string{"AUTH MANY " + b64(manyItems(25)), "AUTH MANY " + b64("p\x00q"), b64("r\x00s\x00"),
			"AUTH MANY", "", b64("\x00"), b64("x"), b64("y")},
		[]string{"435 Unable to authenticate at present: v:x1:x2:x3:x4", "334 Yw==", "435 Unable to authenticate at present: v:p:q:r:s",
			"334 YQ==", "334 Yg==", "334 Yw==", "334 ZA==", "435 Unable to authenticate at present: v:::x:y"},
		[]string{failLog("many", "435 Unable to authenticate at present: v:x1:x2:x3:x4"),
			failLog("many", "435 Unable to authenticate at present: v:p:q:r:s"),
			failLog("many", "435 Unable to authenticate at present: v:::x:y")}},
	{"server_prompts fails to expand",
		[]string{"AUTH X-BADPROMPTS"},
		[]string{"435 Unable to authenticate at present"},
		[]string{failLog("badprompts", `435 Unable to authenticate at present: integer expected but "a" found`)}},
	{"not advertised, bad name",
		[]string{"AUTH hidden", "AUTH PL@IN"},
		[]string{"504 hidden authentication mechanism not supported",
			"501 invalid character in authentication mechanism name"}, nil},
	{"not advertised quietly, unknown",
		[]string{"AUTH quiet", "AUTH CRAM-MD5"},
		[]string{"504 quiet authentication mechanism not supported",
			"504 CRAM-MD5 authentication mechanism not supported"}, nil},
	{"public name defaults to the instance name",
		[]string{"AUTH LOWER " + b64("bob"), "AUTH PLAIN ="},
		[]string{"235 Authentication succeeded", "503 already authenticated"}, nil},
}

func manyItems(n int) string {
	var items []string
	for i := 1; i <= n; i++ {
		items = append(items, "x"+itoa(i))
	}
	return strings.Join(items, "\x00")
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestManualSessions(t *testing.T) {
	text := configText(t, t.TempDir(), "manual.conf")
	for _, s := range manualSessions {
		t.Run(s.name, func(t *testing.T) {
			sim := newSim(build(t, text), mapVars{})
			if got := sim.ehlo(); got != manualEHLO {
				t.Errorf("EHLO %q, want %q", got, manualEHLO)
			}
			sim.run(s.lines)
			compare(t, "replies", sim.replies, s.replies)
			compare(t, "logs", sim.logs, append([]string{manualHiddenLog}, s.logs...))
		})
	}
}

func TestServerAgainstExim(t *testing.T) {
	text := configText(t, "@DIR@", "manual.conf")
	for _, s := range manualSessions {
		t.Run(s.name, func(t *testing.T) {
			ehlo, replies, logs := eximSession(t, text, s.lines)
			if ehlo != manualEHLO {
				t.Errorf("Exim's EHLO %q, ours %q", ehlo, manualEHLO)
			}
			compare(t, "Exim's replies", s.replies, replies)
			compare(t, "Exim's logs", append([]string{manualHiddenLog}, s.logs...), logs)
		})
	}
}

func compare(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}
