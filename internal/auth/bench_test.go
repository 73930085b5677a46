package auth

import "testing"

// BenchmarkPlainAuth is one AUTH PLAIN with an initial response and an
// expanded server_condition and server_set_id.
func BenchmarkPlainAuth(b *testing.B) {
	inst := testInstance("${if and {{eq{$auth2}{username}}{eq{$auth3}{mysecret}}}}", "$auth2")
	data := Encode64([]byte("\x00username\x00mysecret"))
	s := NewSession()
	x := &script{}
	b.ReportAllocs()
	for b.Loop() {
		if o := s.Authenticate(inst, x, data); !o.Authenticated {
			b.Fatal(o.Reply)
		}
	}
}

func BenchmarkDecode64(b *testing.B) {
	s := Encode64([]byte("\x00someone@example.com\x00a rather long password here"))
	b.ReportAllocs()
	for b.Loop() {
		Decode64(s)
	}
}
