package mime

import (
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

// BenchmarkWalkDecode walks a message with a 1 MiB base64 attachment
// and decodes every part, as a MIME ACL with "decode = default" does.
func BenchmarkWalkDecode(b *testing.B) {
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	enc := base64.StdEncoding.EncodeToString(data)
	var lines strings.Builder
	for len(enc) > 76 {
		lines.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	lines.WriteString(enc + "\n")
	text := "From MAILER-DAEMON x\nSubject: b\nContent-Type: multipart/mixed; boundary=B\n\n--B\n" +
		"Content-Type: text/plain\n\nhello\n--B\nContent-Type: application/octet-stream; name=\"a.bin\"\n" +
		"Content-Transfer-Encoding: base64\n\n" + lines.String() + "--B--\n"
	dir := b.TempDir()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := &Message{SpoolDir: dir, ID: "1xXtQg-00024q-2t", WriteMbox: func(w io.Writer) error {
			_, err := io.WriteString(w, text)
			return err
		}}
		m.Walk(func(p *Part) bool {
			p.Decode("default", false)
			return true
		})
		m.Unspool(false)
	}
}
