package smtp

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"exigo/internal/item"
	"exigo/internal/smtpclient"
)

// startTLS sends STARTTLS and, after a 2xx, runs the handshake and the
// second EHLO. A refusal leaves the session in clear (started false)
// unless it was a 4xx and tls_tempfail_tryclear is off.
func (d *delivery) startTLS(s *session, ehlo string) (string, bool, *failure) {
	if _, err := s.write(smtpclient.Flush, "STARTTLS"); err != nil {
		return "", false, d.sendFailed(s, err)
	}
	resp, err := s.read()
	if !ok(resp, err, '2') {
		if err != nil || resp == "" || (resp[0] == '4' && !d.o.tempfailTryClear) {
			return "", false, d.checkResponse(s, smtpclient.Errno(err), resp)
		}
		return ehlo, false, nil
	}
	if f := d.negotiate(s); f != nil {
		return "", false, f
	}
	greet := "EHLO "
	if !s.esmtp {
		greet = "HELO "
	}
	if _, err := s.write(smtpclient.Flush, greet+s.heloData); err != nil {
		return "", false, d.sendFailed(s, err)
	}
	resp, err = s.read()
	s.heloReply = resp
	if err != nil || resp == "" {
		// Exim with GnuTLS takes a failed first read under TLS as a
		// failure of the TLS session.
		return "", false, &failure{errno: item.ErrnoTLSFailure, code: '4', msg: "TLS session: error on first read"}
	}
	if resp[0] != '2' {
		s.esmtp = false
	}
	return resp, true, nil
}

// tlsOnConnect is protocol smtps: TLS first, then the banner and EHLO.
// A TLS failure is not retried in clear.
func (d *delivery) tlsOnConnect(s *session, heloErr error) *failure {
	s.cmd = "SSL-on-connect"
	if f := d.negotiate(s); f != nil {
		return f
	}
	s.cmd = ""
	resp, err := s.read()
	s.greeting = resp
	if !ok(resp, err, '2') {
		return d.checkResponse(s, smtpclient.Errno(err), resp)
	}
	if heloErr != nil {
		d.setErrno(0, item.ErrnoExpandFail, "failed to expand helo_data: "+heloErr.Error(), stDefer, false, nil)
		return &failure{sendQuit: true, settled: true}
	}
	s.esmtp = !d.hostMatch(d.o.avoidESMTP, s.host)
	buffer, f := d.hello(s)
	if f != nil {
		return f
	}
	return d.features(s, buffer)
}

// negotiate runs the TLS handshake and notes the session's details.
func (d *delivery) negotiate(s *session) *failure {
	cfg, verify := d.tlsConfig(s)
	if err := s.conn.StartTLS(cfg, d.o.commandTimeout); err != nil {
		s.sendQuit = false
		return &failure{errno: item.ErrnoTLSFailure, code: '4', msg: "TLS session: " + tlsErrorText(err)}
	}
	st := s.conn.TLS()
	s.tlsCipher = cipherName(st)
	s.tlsCV = "no"
	if verify.ok {
		s.tlsCV = "yes"
	}
	if len(st.PeerCertificates) > 0 {
		s.tlsDN = st.PeerCertificates[0].Subject.String()
	}
	d.noteTLS(s)
	s.tlsOffer = false
	return nil
}

// noteTLS copies the TLS details to the addresses of the attempt.
func (d *delivery) noteTLS(s *session) {
	for _, r := range d.rcpts {
		if r.st == stPendingDefer {
			r.a.TLSCipher, r.a.TLSVerified, r.a.TLSPeerDN = s.tlsCipher, s.tlsCV, s.tlsDN
		}
	}
}

// verifyResult is filled by the handshake's certificate check.
type verifyResult struct{ ok bool }

// tlsConfig builds the client side: SNI only when tls_sni is set (as in
// Exim), our certificate from tls_certificate/tls_privatekey, and the
// server's certificate checked against tls_verify_certificates for hosts
// in tls_verify_hosts (a failure ends the handshake) or
// tls_try_verify_hosts (the outcome is only recorded, CV=).
func (d *delivery) tlsConfig(s *session) (*tls.Config, *verifyResult) {
	res := &verifyResult{}
	cfg := &tls.Config{InsecureSkipVerify: true}
	if d.o.sni.set {
		if v, err := d.expand(d.o.sni.text); err == nil {
			cfg.ServerName = v
		}
	}
	if cert, ok := d.clientCertificate(); ok {
		cfg.Certificates = []tls.Certificate{cert}
	}
	must := d.hostMatch(d.o.verifyHosts, s.host)
	try := must || d.hostMatch(d.o.tryVerifyHosts, s.host)
	if !try {
		return cfg, res
	}
	roots := d.rootCAs()
	checkName := ""
	if d.hostMatch(d.o.verifyCertHostnames, s.host) {
		checkName = s.host.Name
	}
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		err := verifyPeer(cs, roots, checkName)
		res.ok = err == nil
		if err != nil && must {
			return &verifyError{err}
		}
		return nil
	}
	return cfg, res
}

type verifyError struct{ err error }

func (e *verifyError) Error() string { return "(certificate verification failed): " + e.err.Error() }

func verifyPeer(cs tls.ConnectionState, roots *x509.CertPool, name string) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no certificate")
	}
	opts := x509.VerifyOptions{Roots: roots, DNSName: name, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(opts)
	return err
}

// rootCAs is tls_verify_certificates: "system" (the default), a PEM
// file, or a directory of PEM files.
func (d *delivery) rootCAs() *x509.CertPool {
	src := "system"
	if d.o.verifyCertificates.set {
		if v, err := d.expand(d.o.verifyCertificates.text); err == nil && v != "" {
			src = v
		}
	}
	if src == "system" {
		if p, err := x509.SystemCertPool(); err == nil {
			return p
		}
		return x509.NewCertPool()
	}
	pool := x509.NewCertPool()
	files := []string{src}
	if st, err := os.Stat(src); err == nil && st.IsDir() {
		files, _ = filepath.Glob(filepath.Join(src, "*"))
	}
	for _, f := range files {
		if pem, err := os.ReadFile(f); err == nil {
			pool.AppendCertsFromPEM(pem)
		}
	}
	return pool
}

// clientCertificate loads tls_certificate (and tls_privatekey, which
// defaults to the same file).
func (d *delivery) clientCertificate() (tls.Certificate, bool) {
	if !d.o.certificate.set {
		return tls.Certificate{}, false
	}
	certFile, err := d.expand(d.o.certificate.text)
	if err != nil || certFile == "" {
		return tls.Certificate{}, false
	}
	keyFile := certFile
	if d.o.privateKey.set {
		if v, err := d.expand(d.o.privateKey.text); err == nil && v != "" {
			keyFile = v
		}
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	return cert, err == nil
}

// tlsErrorText is the text after "TLS session: ", in the shape of
// Debian's (GnuTLS) Exim: "(function): reason".
func tlsErrorText(err error) string {
	var ve *verifyError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return "(gnutls_handshake): " + err.Error()
}

// cipherName is the X= text in the form Debian's GnuTLS build of Exim
// logs: "TLS1.3:ECDHE_SECP256R1__RSA_PSS_RSAE_SHA256__AES_256_GCM:256".
func cipherName(st *tls.ConnectionState) string {
	ver := map[uint16]string{tls.VersionTLS10: "TLS1.0", tls.VersionTLS11: "TLS1.1",
		tls.VersionTLS12: "TLS1.2", tls.VersionTLS13: "TLS1.3"}[st.Version]
	kx := "ECDHE_" + strings.ToUpper(curveName(st.CurveID))
	if st.CurveID == 0 {
		kx = "RSA"
	}
	cipher, bits := bulkCipher(st.CipherSuite)
	return fmt.Sprintf("%s:%s__%s__%s:%d", ver, kx, signatureName(st), cipher, bits)
}

func curveName(c tls.CurveID) string {
	switch c {
	case tls.X25519:
		return "X25519"
	case tls.CurveP256:
		return "SECP256R1"
	case tls.CurveP384:
		return "SECP384R1"
	case tls.CurveP521:
		return "SECP521R1"
	case tls.X25519MLKEM768:
		return "X25519_MLKEM768"
	}
	return strings.ReplaceAll(c.String(), "-", "_")
}

// signatureName guesses the handshake signature from the server's key:
// Go does not report the algorithm used.
func signatureName(st *tls.ConnectionState) string {
	if len(st.PeerCertificates) == 0 {
		return "NONE"
	}
	switch k := st.PeerCertificates[0].PublicKey.(type) {
	case *rsa.PublicKey:
		if st.Version == tls.VersionTLS13 {
			return "RSA_PSS_RSAE_SHA256"
		}
		return "RSA_SHA256"
	case *ecdsa.PublicKey:
		return "ECDSA_" + strings.ToUpper(strings.ReplaceAll(k.Curve.Params().Name, "P-", "SECP")) + "R1_SHA256"
	case ed25519.PublicKey:
		return "EdDSA_Ed25519"
	}
	return "UNKNOWN"
}

func bulkCipher(suite uint16) (string, int) {
	name := tls.CipherSuiteName(suite)
	switch {
	case strings.Contains(name, "AES_256_GCM"):
		return "AES_256_GCM", 256
	case strings.Contains(name, "AES_128_GCM"):
		return "AES_128_GCM", 128
	case strings.Contains(name, "CHACHA20"):
		return "CHACHA20_POLY1305", 256
	case strings.Contains(name, "AES_256_CBC"):
		return "AES_256_CBC", 256
	case strings.Contains(name, "AES_128_CBC"):
		return "AES_128_CBC", 128
	}
	return name, 0
}
