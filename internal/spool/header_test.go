package spool

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testdata/exim496 is a spool written by Debian's Exim 4.96 (local and
// SMTP messages, DSN, BDAT wireformat, quoted and tainted ACL variables,
// a frozen message with -Mmd/-Mar edits, a non-recipients tree).
const eximSpool = "testdata/exim496"

func eximHeaderFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(eximSpool, "input", "*-H"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	return files
}

func TestReadEncodeRoundTripsEximFiles(t *testing.T) {
	for _, path := range eximHeaderFiles(t) {
		want, _ := os.ReadFile(path)
		h, err := ReadHeaderFile(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := h.Encode(); !bytes.Equal(got, want) {
			t.Errorf("%s: re-encoded differs:\n%s\nwant:\n%s", path, got, want)
		}
	}
}

func TestReadSMTPHeaderFields(t *testing.T) {
	sp := &Spool{Dir: eximSpool}
	h, err := sp.ReadHeader("1xXsrQ-0001NM-0g")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("sender", h.Sender, "s@example.org")
	check("received", h.Received, time.Unix(1796012368, 214524000))
	check("complete", h.ReceivedComplete, time.Unix(1796012368, 215090000))
	check("helo", h.HeloName, Tainted("client.example"))
	check("host", []any{h.HostAddress, h.HostPort}, []any{Tainted("10.0.0.1"), 1234})
	check("interface", []any{h.InterfaceAddress, h.InterfacePort}, []any{Tainted("10.0.0.2"), 25})
	check("protocol", h.ReceivedProtocol, Clean("utf8esmtpa"))
	check("acl vars", h.ACLVars, []ACLVar{
		{"c_foo", Clean("conn value")}, {"m_bar", Tainted("r3")},
		{"m0", Clean("multi\nline")}, {"m_x", Clean("12")},
	})
	check("frozen", []any{h.Frozen, h.FrozenAt.Unix()}, []any{true, int64(1796012504)})
	check("dsn", []any{h.DSNEnvID, h.DSNRet, h.SMTPUTF8}, []any{"abc123", 2, true})
	check("rcpt0", h.Recipients[0], Recipient{Address: "r1@example.net", ORCPT: "rfc822;orig@example.net", DSNFlags: DSNNotifySuccess | DSNNotifyFailure})
	check("rcpt1", h.Recipients[1], Recipient{Address: "r2@example.net", DSNFlags: DSNNotifyNever})
	check("delivered", h.NonRecipients.Addresses(), []string{"r2@example.net"})
	check("headers", len(h.Headers), 8)
	check("size", h.Size(), int64(334))
}

func TestReadQuotedACLVariable(t *testing.T) {
	h, err := ReadHeaderFile(filepath.Join(eximSpool, "input", "1xXsxh-0001A9-1I-H"))
	if err != nil {
		t.Fatal(err)
	}
	want := ACLVar{"m_q", Var{Value: "r2''x", Tainted: true, Quoter: "pgsql"}}
	if h.ACLVars[1] != want || !h.Wireformat {
		t.Errorf("got %+v wireformat=%v", h.ACLVars, h.Wireformat)
	}
}

// Exim inserted c a j b e g d i h one -Mmd at a time (reading the tree
// back each time); the same insertions must give the same shape.
func TestAddrTreeShapeMatchesExim(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join(eximSpool, "input", "1xXsxh-00019G-0a-H"))
	var want bytes.Buffer
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if len(l) > 3 && (l[:3] == "YY " || l[:3] == "YN " || l[:3] == "NY " || l[:3] == "NN ") {
			want.WriteString(l)
		}
	}
	var tr *AddrTree
	for _, a := range strings.Fields("c a j b e g d i h") {
		var b bytes.Buffer
		tr.write(&b)
		// Round trip through the file format each time, as Exim did.
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if lines[0] != "XX" {
			i := 1
			var err error
			tr, err = readTree(lines[0], func() (string, error) { i++; return lines[i-1], nil })
			if err != nil {
				t.Fatal(err)
			}
		}
		tr, _ = tr.Insert(a + "@x.y")
	}
	var got bytes.Buffer
	tr.write(&got)
	if got.String() != want.String() {
		t.Errorf("tree:\n%s\nwant:\n%s", got.String(), want.String())
	}
}

func TestAddrTreeStaysBalanced(t *testing.T) {
	var tr *AddrTree
	for i := 0; i < 2000; i++ {
		tr, _ = tr.Insert(strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('A'+i*7%26)) + "@d")
	}
	var depth func(*AddrTree) int
	depth = func(n *AddrTree) int {
		if n == nil {
			return 0
		}
		l, r := depth(n.Left), depth(n.Right)
		if l-r > 1 || r-l > 1 {
			t.Fatalf("unbalanced at %s: %d/%d", n.Name, l, r)
		}
		return 1 + max(l, r)
	}
	depth(tr)
	addrs := tr.Addresses()
	for i := 1; i < len(addrs); i++ {
		if addrs[i-1] >= addrs[i] {
			t.Fatalf("not ordered: %s %s", addrs[i-1], addrs[i])
		}
	}
}

func fullHeader() *Header {
	return &Header{
		ID: "1xXsxh-0001A9-1I", Originator: "exim", UID: 101, GID: -1, Sender: "s@e.org",
		Received: time.Unix(1796012757, 403818000), WarningCount: 2,
		HeloName: Tainted("c.example"), HostAddress: Tainted("2001:db8::1"), HostPort: 5555,
		HostName: Tainted("c.example"), HostAuth: Clean("plain"), HostAuthPubname: Clean("PLAIN"),
		InterfaceAddress: Clean("192.0.2.1"), InterfacePort: 587, ActiveHostname: Clean("mx.example"),
		Ident: Tainted("u 1"), ReceivedProtocol: Clean("esmtpsa"),
		ACLVars:       []ACLVar{{"m_z", Clean("")}, {"c0", Var{Value: "a\nb\n", Tainted: true, Quoter: "mysql"}}},
		DebugSelector: 0x1f, DebugLogName: "/tmp/d.log", BodyLinecount: 3,
		MaxReceivedLinelength: 77, BodyZerocount: 1, AuthID: Tainted("me"), AuthSender: Tainted("me@e.org"),
		AllowUnqualifiedRecipient: true, AllowUnqualifiedSender: true, DeliverFirsttime: true,
		Frozen: true, FrozenAt: time.Unix(1796012800, 0), DontDeliver: true, HostLookupDeferred: true,
		HostLookupFailed: true, Local: true, LocalError: true, LocalScan: Clean("ls"),
		SpamBar: Clean("++"), SpamScore: Clean("2.5"), SpamScoreInt: Clean("25"), ManualThaw: true,
		SenderSetUntrusted: true, TLSCertificateVerified: true, TLSCipher: Clean("TLS1.3:AES"),
		TLSPeerCert: "-----BEGIN\\n", TLSPeerDN: Tainted("CN=x"), TLSSNI: Tainted("mx"),
		TLSOurCert: "-----BEGIN\\n", TLSOCSP: 4, TLSResumption: 3, TLSVer: Clean("TLS1.3"),
		SMTPUTF8: true, UTF8Downconvert: -1, DSNEnvID: "env", DSNRet: 1,
		NonRecipients: NewAddrTree("b@x", "a@x", "c@x"),
		Recipients: []Recipient{
			{Address: "a@x"}, {Address: "with space@x", ErrorsTo: "err@x", OneTimeParent: 1},
			{Address: "c@x", ORCPT: "rfc822;o@x", DSNFlags: DSNNotifyDelay},
		},
		Headers: []HeaderLine{{HeaderReceived, "Received: x\n\ty\n"}, {HeaderOld, "To: old\n"}, {HeaderTo, "To: new\n"}},
	}
}

func TestEncodeParseRoundTrip(t *testing.T) {
	h := fullHeader()
	data := h.Encode()
	got, err := ParseHeader(data, h.ID+"-H")
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	h.ACLVars = []ACLVar{h.ACLVars[1], h.ACLVars[0]} // written in name order
	h.ReceivedComplete = h.Received                  // written as Received when unset
	if !reflect.DeepEqual(got, h) {
		t.Errorf("round trip differs:\n%+v\nwant\n%+v\nfile:\n%s", got, h, data)
	}
	if !bytes.Equal(got.Encode(), data) {
		t.Errorf("second encoding differs")
	}
}

func TestParseFormatErrors(t *testing.T) {
	good := string(fullHeader().Encode())
	name := "1xXsxh-0001A9-1I-H"
	cases := []struct {
		data      string
		inHeaders bool
	}{
		{"", false},
		{"1xXsxh-0001A9-1J-H\n", false},
		{strings.Replace(good, "exim 101 -1", "exim x -1", 1), false},
		{strings.Replace(good, "<s@e.org>", "s@e.org", 1), false},
		{strings.Replace(good, "\n3\na@x\n", "\n99999\na@x\n", 1), false},
		{good[:strings.Index(good, "Received: x")+3], true},
		{strings.Replace(good, "\n\n015P", "\nX\n015P", 1), true},
		{good + "x", true},
	}
	for i, c := range cases {
		h, err := ParseHeader([]byte(c.data), name)
		var fe *FormatError
		if !errors.As(err, &fe) || fe.InHeaders != c.inHeaders || (h != nil) != c.inHeaders {
			t.Errorf("case %d: err %v, header %v", i, err, h != nil)
		}
	}
}

func TestParseOldFormats(t *testing.T) {
	for line, want := range map[string]Recipient{
		"a@b":                             {Address: "a@b"},
		"a@b 3":                           {Address: "a@b", OneTimeParent: 4},
		"a b@c 0,2,0":                     {Address: "a b@c", OneTimeParent: 3},
		"a@b  0,-1#1":                     {Address: "a@b"},
		"a@b e@f 3,0#1":                   {Address: "a@b", ErrorsTo: "e@f", OneTimeParent: 1},
		"a@b x;y 3,6 e@f 3,-1#3":          {Address: "a@b", ORCPT: "x;y", DSNFlags: 6, ErrorsTo: "e@f"},
		"user@[192.168.0.1]":              {Address: "user@[192.168.0.1]"},
		"a@host1":                         {Address: "a@host1"},
		"a b@c rfc822;a b@c 12,4  0,-1#3": {Address: "a b@c", ORCPT: "rfc822;a b@c", DSNFlags: 4},
	} {
		if got := parseRecipient(line); got != want {
			t.Errorf("%q: got %+v want %+v", line, got, want)
		}
	}
	for in, want := range map[string][2]any{
		"10.0.0.1.25":       {"10.0.0.1", 25},
		"[10.0.0.1]:25":     {"10.0.0.1", 25},
		"2001:db8::1.587":   {"2001:db8::1", 587},
		"[2001:db8::1]:587": {"2001:db8::1", 587},
		"10.0.0.1":          {"10.0.0.1", 0},
	} {
		v, port := splitPort(Clean(in))
		if v.Value != want[0] || port != want[1] {
			t.Errorf("splitPort(%q) = %q %d", in, v.Value, port)
		}
	}
}
