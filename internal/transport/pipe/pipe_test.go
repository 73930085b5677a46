package pipe

import (
	"os"
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/spool"
	"exigo/internal/transport"
	"io"
)

func testMessage(sender string) *transport.Message {
	h := &spool.Header{ID: "1xXtV9-0004Vg-1H", Sender: sender, Headers: []spool.HeaderLine{{Type: ' ', Text: "Subject: x\n"}}}
	body := "line\n"
	h.BodySize = int64(len(body))
	return &transport.Message{ID: h.ID, Header: h, Body: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(body)), nil
	}}
}

func runPipe(t *testing.T, options string, a *item.Address) *item.Address {
	t.Helper()
	cfg, err := conf.Parse("t.conf", "primary_hostname = test.example\nbegin transports\nt:\n  driver = pipe\n"+options, nil)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := New(cfg.Transport("t"))
	if err != nil {
		t.Fatal(err)
	}
	if a == nil {
		a = item.New("jo@test.example")
	}
	msg := testMessage("sender@example.org")
	deliverAsDeliveryProcess(t, cfg, tp, msg, []*item.Address{a})
	return a
}

func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name, options string
		r             item.Result
		msg           string
		freeze        bool
	}{
		{"ok", "  command = /bin/cat\n", item.OK, "", false},
		{"ignore status", "  command = /bin/false\n  ignore_status\n", item.OK, "", false},
		{"temp errors star", "  command = /bin/false\n  temp_errors = *\n", item.Defer,
			"Child process of t transport returned 1 from command: /bin/false", false},
		{"signal exit code", "  command = /bin/sh -c 'exit 130'\n", item.Fail,
			"Child process of t transport returned 130 (could mean shell command ended by signal 2 (Interrupt)) from command: /bin/sh", false},
		{"exec failure frozen", "  command = /no/such/program\n  freeze_exec_fail\n", item.Defer,
			`pipe process failed to exec "/no/such/program"`, true},
		{"exec failure", "  command = /no/such/program\n", item.Fail,
			"Child process of t transport returned 127 (could mean unable to exec or command does not exist) from command: /no/such/program", false},
		{"timeout defer", "  command = /bin/sleep 5\n  timeout = 1s\n  timeout_defer\n", item.Defer,
			"pipe delivery process timed out", false},
		{"return output", "  command = /bin/echo hi\n  return_output\n", item.Fail, "return message generated", false},
		{"return fail output", "  command = /bin/sh -c 'echo hi; exit 1'\n  return_fail_output\n", item.Fail,
			"Child process of t transport returned 1 from command: /bin/sh", false},
		{"no command", "  command = \n", item.Defer, "no command specified for t transport", false},
		{"prefix expansion", "  command = /bin/cat\n  message_prefix = ${bad\n", item.Defer,
			`Expansion of "${bad" (prefix for t transport) failed: "${bad" is not a known operator (or a } is missing in a variable reference)`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := runPipe(t, tc.options, nil)
			if a.Result != tc.r || a.Message != tc.msg || a.Freeze != tc.freeze {
				t.Errorf("got %v %q freeze %v", a.Result, a.Message, a.Freeze)
			}
			if tc.r != item.OK && a.UserMessage != "local delivery failed" && tc.name != "return output" {
				t.Errorf("user message %q", a.UserMessage)
			}
		})
	}
}

func TestOutputKept(t *testing.T) {
	a := runPipe(t, "  command = /bin/sh -c 'echo first; echo second; exit 1'\n  return_fail_output\n", nil)
	if out := returned(t, a); out != "first\nsecond\n" {
		t.Errorf("output %q", out)
	}
	a = runPipe(t, "  command = /bin/sh -c 'yes x'\n  return_output\n  max_output = 100\n", nil)
	if out := returned(t, a); !strings.HasSuffix(out, "\n\n*** Too much output - remainder discarded ***\n") || len(out) > 16384+100 {
		t.Errorf("output %d bytes, ends %q", len(out), out[max(0, len(out)-60):])
	}
	// Output of a delivery that worked is not kept with
	// return_fail_output, and is logged with log_output.
	cfg, _ := conf.Parse("t.conf", "begin transports\nt:\n  driver = pipe\n  command = /bin/sh -c 'printf \"a\\\\tb  \\\\nnext\\\\n\"'\n  return_fail_output\n  log_output\n", nil)
	tp, _ := New(cfg.Transport("t"))
	b := item.New("jo@test.example")
	line := deliverAsDeliveryProcess(t, cfg, tp, testMessage("s@example.org"), []*item.Address{b})
	if b.Result != item.OK || b.ReturnFile != "" || line != `<jo@test.example>: t transport output: a\tb` {
		t.Errorf("%v %q %q", b.Result, b.ReturnFile, line)
	}
	// No sender to tell: return_output does not fail the delivery.
	c := item.New("jo@test.example")
	cfg, _ = conf.Parse("t.conf", "begin transports\nt:\n  driver = pipe\n  command = /bin/echo hi\n  return_output\n", nil)
	tp, _ = New(cfg.Transport("t"))
	deliverAsDeliveryProcess(t, cfg, tp, testMessage(""), []*item.Address{c})
	if c.Result != item.OK || c.ReturnFile != "" {
		t.Errorf("bounce: %v %q", c.Result, c.ReturnFile)
	}
}

func TestGeneratedPipes(t *testing.T) {
	dir := t.TempDir()
	parent := item.New("jo@test.example")
	a := parent.Child("|/bin/sh -c 'cat > " + dir + "/out' $local_part")
	a.Pipe = a.Address
	got := runPipe(t, "", a)
	if got.Result != item.OK {
		t.Fatalf("%v %s", got.Result, got.Message)
	}
	if b, _ := os.ReadFile(dir + "/out"); !strings.HasSuffix(string(b), "\nSubject: x\n\nline\n\n") {
		t.Errorf("out %q", b)
	}
	b := parent.Child("|/bin/false")
	b.Pipe = b.Address
	got = runPipe(t, "  command = /bin/sh -c 'echo \\$0 > "+dir+"/forced' $address_pipe\n  force_command\n", b)
	if got.Result != item.OK {
		t.Fatalf("%v %s", got.Result, got.Message)
	}
	if out, _ := os.ReadFile(dir + "/forced"); string(out) != "/bin/false\n" {
		t.Errorf("forced %q", out)
	}
}

func TestConfigurationErrors(t *testing.T) {
	for opts, want := range map[string]string{
		"  command = /x\n  temp_errors = 1:x\n":                   "temp_errors must be a list of numbers or an asterisk for the t transport",
		"  command = /x\n  return_output\n  return_fail_output\n": "both return_output and return_fail_output set for t transport",
		"  command = /x\n  use_shell\n  restrict_to_path\n":       "both restrict_to_path and use_shell set for t transport",
	} {
		cfg, err := conf.Parse("t.conf", "begin transports\nt:\n  driver = pipe\n"+opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(cfg.Transport("t")); err == nil || err.Error() != want {
			t.Errorf("%q: %v", opts, err)
		}
	}
}
