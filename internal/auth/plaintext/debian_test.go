package plaintext

import (
	"errors"
	"path/filepath"
	"testing"

	"exigo/internal/auth"
	"exigo/internal/conf"
)

// Debian's commented plain_server and login_server examples, with the
// macro that lets them be advertised without TLS.
var debianSessions = []session{
	{"PLAIN and LOGIN against the passwd file",
		[]string{"AUTH PLAIN " + b64("\x00bob\x00wrong"), "AUTH PLAIN " + b64("\x00nobody\x00x"),
			"AUTH LOGIN", b64("carol"), b64("secret"), "AUTH PLAIN " + b64("\x00bob\x00secret")},
		[]string{"535 Incorrect authentication data", "535 Incorrect authentication data",
			"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "535 Incorrect authentication data", "235 Authentication succeeded"},
		[]string{failLog("plain_server", "535 Incorrect authentication data (set_id=bob)"),
			failLog("plain_server", "535 Incorrect authentication data (set_id=nobody)"),
			failLog("login_server", "535 Incorrect authentication data (set_id=carol)")}},
	{"LOGIN with a colon in the password",
		[]string{"AUTH LOGIN", b64("carol"), b64("pa:ss")},
		[]string{"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 Authentication succeeded"}, nil},
}

const allowNoTLS = "AUTH_SERVER_ALLOW_NOTLS_PASSWORDS = 1"

func TestDebianExamples(t *testing.T) {
	text := configText(t, t.TempDir(), "debian.conf", allowNoTLS)
	for _, s := range debianSessions {
		t.Run(s.name, func(t *testing.T) {
			sim := newSim(build(t, text), mapVars{})
			if got := sim.ehlo(); got != "AUTH PLAIN LOGIN" {
				t.Errorf("EHLO %q", got)
			}
			sim.run(s.lines)
			compare(t, "replies", sim.replies, s.replies)
			compare(t, "logs", sim.logs, s.logs)
		})
	}
}

func TestDebianExamplesAgainstExim(t *testing.T) {
	text := configText(t, "@DIR@", "debian.conf", allowNoTLS)
	for _, s := range debianSessions {
		t.Run(s.name, func(t *testing.T) {
			ehlo, replies, logs := eximSession(t, text, s.lines)
			if ehlo != "AUTH PLAIN LOGIN" {
				t.Errorf("Exim's EHLO %q", ehlo)
			}
			compare(t, "Exim's replies", s.replies, replies)
			compare(t, "Exim's logs", s.logs, logs)
		})
	}
}

// Without the macro Debian's examples are advertised only under TLS, and
// AUTH without them is refused as not advertised.
func TestDebianAdvertisedOnlyWithTLS(t *testing.T) {
	text := configText(t, t.TempDir(), "debian.conf")
	plain := newSim(build(t, text), mapVars{"tls_in_cipher": ""})
	if got := plain.ehlo(); got != "" {
		t.Errorf("without TLS EHLO says %q", got)
	}
	plain.run([]string{"AUTH PLAIN " + b64("\x00bob\x00secret")})
	compare(t, "replies", plain.replies, []string{"503 AUTH command used when not advertised"})
	tls := newSim(build(t, text), mapVars{"tls_in_cipher": "TLS1.3:TLS_AES_256_GCM_SHA384:256"})
	if got := tls.ehlo(); got != "AUTH PLAIN LOGIN" {
		t.Errorf("with TLS EHLO says %q", got)
	}
	if len(plain.logs)+len(tls.logs) != 0 {
		t.Errorf("logs %q %q", plain.logs, tls.logs)
	}
}

func TestDebianNoTLSAgainstExim(t *testing.T) {
	ehlo, replies, _ := eximSession(t, configText(t, "@DIR@", "debian.conf"), []string{"AUTH PLAIN " + b64("\x00bob\x00secret")})
	if ehlo != "" || len(replies) != 1 || replies[0] != "503 AUTH command used when not advertised" {
		t.Errorf("Exim: EHLO %q, replies %q", ehlo, replies)
	}
}

// Debian's generated configurations have client authenticators only:
// plain and login are plaintext clients, cram_md5 a driver exigo lacks.
func TestDebianGeneratedConfigs(t *testing.T) {
	for _, form := range []string{"local", "internet", "smarthost"} {
		cfg, err := conf.Load(filepath.Join("..", "..", "conf", "testdata", "debian", form+".conf"), nil)
		if err != nil {
			t.Fatal(err)
		}
		insts, err := auth.Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(insts) != 3 {
			t.Fatalf("%s: %d authenticators", form, len(insts))
		}
		for _, i := range insts {
			if i.Server != nil {
				t.Errorf("%s: %s is a server", form, i.Name)
			}
			wantClient := i.Driver == "plaintext"
			if (i.Client != nil) != wantClient || i.Implemented != wantClient {
				t.Errorf("%s: %s client %v implemented %v", form, i.Name, i.Client != nil, i.Implemented)
			}
		}
		if insts[1].PublicName != "PLAIN" || insts[2].PublicName != "LOGIN" {
			t.Errorf("%s: public names %q %q", form, insts[1].PublicName, insts[2].PublicName)
		}
	}
}

func TestSamePublicName(t *testing.T) {
	cases := []struct{ body, err string }{
		{"a:\n driver = plaintext\n public_name = PLAIN\n server_condition = yes\n" +
			"b:\n driver = plaintext\n public_name = plain\n server_condition = yes\n",
			"two server authenticators (a and b) have the same public name (PLAIN)"},
		{"a:\n driver = plaintext\n client_send = x\n server_condition = yes\n" +
			"b:\n driver = plaintext\n public_name = A\n server_condition = yes\n",
			"two server authenticators (a and b) have the same public name (a)"},
		{"a:\n driver = plaintext\n client_send = x\n server_condition = yes\n" +
			"b:\n driver = plaintext\n public_name = A\n client_send = x\n server_condition = yes\n",
			"two client authenticators (a and b) have the same public name (a)"},
		{"a:\n driver = plaintext\n public_name = P\n client_send = x\n" +
			"b:\n driver = plaintext\n public_name = P\n server_condition = yes\n", ""},
	}
	for _, c := range cases {
		cfg, err := conf.Parse("t.conf", "begin authenticators\n"+c.body, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = auth.Build(cfg)
		var ce *conf.Error
		switch {
		case c.err == "" && err != nil:
			t.Errorf("unexpected %v", err)
		case c.err != "" && (!errors.As(err, &ce) || ce.Msg != c.err):
			t.Errorf("got %v, want %q", err, c.err)
		}
	}
}
