package auth

import "testing"

// readAndCheck is a driver that takes the initial response, prompts once
// when there was none, and tests server_condition: enough to drive the
// generic code.
var readAndCheck = serverFunc(func(c *Call, data string) Result {
	if data != "" {
		if r := c.ReadInitial(data); r != OK {
			return r
		}
	} else if r := c.Prompt(""); r != OK {
		return r
	}
	return c.CheckServerCondition()
})

func testInstance(cond, setID string) *Instance {
	return &Instance{Name: "t", Driver: "test", PublicName: "TEST", Server: readAndCheck,
		ServerCondition: Setting{Text: cond, Set: true},
		SetID:           Setting{Text: setID, Set: setID != ""}}
}

func TestAuthenticateReplies(t *testing.T) {
	b64 := func(s string) string { return Encode64([]byte(s)) }
	cases := []struct {
		name, cond, setID, data string
		answers                 []string
		reply, log              string
		authenticated           bool
		id                      string
	}{
		{"yes", "yes", "$auth1", b64("bob"), nil,
			"235 Authentication succeeded", "235 Authentication succeeded", true, "bob"},
		{"true after prompt", "${if eq{$auth2}{pw}}", "$auth1", "", []string{b64("bob\x00pw")},
			"235 Authentication succeeded", "235 Authentication succeeded", true, "bob"},
		{"empty is no", "", "$auth1", b64("bob"), nil,
			"535 Incorrect authentication data", "535 Incorrect authentication data (set_id=bob)", false, ""},
		{"0", "0", "", b64("bob"), nil,
			"535 Incorrect authentication data", "535 Incorrect authentication data", false, ""},
		{"FALSE", "FALSE", "$auth1", "=", nil,
			"535 Incorrect authentication data", "535 Incorrect authentication data", false, ""},
		{"forced failure", "${if eq{1}{2}{}fail}", "$auth1", b64("bob"), nil,
			"535 Incorrect authentication data", "535 Incorrect authentication data (set_id=bob)", false, ""},
		{"expansion error", "${if >{$auth1}{1}}", "$auth1", b64("bob"), nil,
			"435 Unable to authenticate at present",
			"435 Unable to authenticate at present (set_id=bob): integer expected but \"bob\" found", false, ""},
		{"odd value", "maybe", "$auth1", b64("bob"), nil,
			"435 Unable to authenticate at present: maybe", "435 Unable to authenticate at present (set_id=bob): maybe", false, ""},
		{"cancel", "yes", "$auth1", "", []string{"*"},
			"501 Authentication cancelled", "501 Authentication cancelled", false, ""},
		{"bad base64 initial", "yes", "", "QQ", nil,
			"501 Invalid base64 data", "501 Invalid base64 data", false, ""},
		{"bad base64 answer", "yes", "", "", []string{"!!"},
			"501 Invalid base64 data", "501 Invalid base64 data", false, ""},
		{"answer too long", "yes", "", "", []string{"<toolong>"},
			"501 Invalid base64 data", "501 Invalid base64 data", false, ""},
		{"set id unprintable", "no", "$auth1", b64("a\nb\x01\tc"), nil,
			"535 Incorrect authentication data", "535 Incorrect authentication data (set_id=a\\nb\\001\tc)", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := &script{answers: c.answers}
			o := NewSession().Authenticate(testInstance(c.cond, c.setID), x, c.data)
			if o.Reply != c.reply || o.LogDetail != c.log || o.Authenticated != c.authenticated {
				t.Errorf("got %q / %q / %v\nwant %q / %q / %v", o.Reply, o.LogDetail, o.Authenticated, c.reply, c.log, c.authenticated)
			}
			if c.authenticated && o.ID != c.id {
				t.Errorf("id %q, want %q", o.ID, c.id)
			}
		})
	}
}

// A server_set_id that fails after success gives 435 but, the driver's
// result being OK, no log line, as in Exim.
func TestSetIDFailsAfterSuccess(t *testing.T) {
	inst := testInstance("yes", "${if eq{1}{2}{}fail}")
	o := NewSession().Authenticate(inst, &script{}, Encode64([]byte("bob")))
	if o.Authenticated || o.Reply != "435 Unable to authenticate at present" || o.Result != OK {
		t.Fatalf("%+v", o)
	}
	if _, logged := o.FailureLog(inst, "(x) [10.0.0.1]"); logged {
		t.Error("logged a failure Exim does not log")
	}
	if o.HasFailID {
		t.Error("$authenticated_fail_id set")
	}
}

// Exim keeps its defer texts in globals: an odd server_condition value is
// still the 435 reply's text for a later deferral that sets none.
func TestDeferTextOutlivesCommand(t *testing.T) {
	s := NewSession()
	inst := testInstance("${if eq{$auth1}{odd}{hello world}{${if >{$auth1}{1}}}}", "")
	first := s.Authenticate(inst, &script{}, Encode64([]byte("odd")))
	second := s.Authenticate(inst, &script{}, Encode64([]byte("x")))
	if first.Reply != "435 Unable to authenticate at present: hello world" ||
		second.Reply != "435 Unable to authenticate at present: hello world" {
		t.Errorf("replies %q, %q", first.Reply, second.Reply)
	}
	if second.LogDetail != `435 Unable to authenticate at present: integer expected but "x" found` {
		t.Errorf("log %q", second.LogDetail)
	}
}

func TestFailIDAndLogLine(t *testing.T) {
	inst := testInstance("no", "$auth1")
	o := NewSession().Authenticate(inst, &script{}, Encode64([]byte("bob")))
	if !o.HasFailID || o.FailID != " (set_id=bob)" {
		t.Errorf("fail id %q %v", o.FailID, o.HasFailID)
	}
	line, ok := o.FailureLog(inst, "(x) [10.0.0.1]")
	if want := "t authenticator failed for (x) [10.0.0.1]: 535 Incorrect authentication data (set_id=bob)"; !ok || line != want {
		t.Errorf("log %q", line)
	}
	// An empty id still sets $authenticated_fail_id, to "".
	o = NewSession().Authenticate(testInstance("no", ""), &script{}, Encode64([]byte("bob")))
	if !o.HasFailID || o.FailID != "" {
		t.Errorf("fail id %q %v", o.FailID, o.HasFailID)
	}
	// Cancelling leaves it alone.
	o = NewSession().Authenticate(inst, &script{answers: []string{"*"}}, "")
	if o.HasFailID {
		t.Error("cancel set the fail id")
	}
}

func TestInternalErrorText(t *testing.T) {
	inst := testInstance("yes", "")
	inst.Server = serverFunc(func(c *Call, data string) Result { return Error })
	o := NewSession().Authenticate(inst, &script{}, "")
	if o.Reply != "435 Internal error" || o.LogDetail != "435 Internal error: return 3 from authentication check" {
		t.Errorf("%q / %q", o.Reply, o.LogDetail)
	}
	inst.Server = serverFunc(func(c *Call, data string) Result { return Unexpected })
	if o := NewSession().Authenticate(inst, &script{}, "x"); o.Reply != "553 Initial data not expected" {
		t.Errorf("%q", o.Reply)
	}
}

// The items of answers and initial responses split at NULs, with no empty
// item for a NUL at the end, at most MaxItems of them.
func TestItems(t *testing.T) {
	c := &Call{x: &script{answers: []string{"", Encode64([]byte("c\x00"))}}, sess: NewSession()}
	c.ReadInitial(Encode64([]byte("\x00a\x00b")))
	c.Prompt("p")
	c.Prompt("q")
	want := []string{"", "a", "b", "", "c"}
	if got := c.Items(); len(got) != len(want) {
		t.Fatalf("items %q, want %q", got, want)
	}
	for i := range want {
		if c.Items()[i] != want[i] {
			t.Fatalf("items %q, want %q", c.Items(), want)
		}
	}
	c = &Call{sess: NewSession()}
	c.ReadInitial(Encode64(make([]byte, 30))) // 30 NULs: 30 empty items
	if len(c.Items()) != MaxItems {
		t.Errorf("%d items", len(c.Items()))
	}
}
