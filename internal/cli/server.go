package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"exigo/internal/acl"
	"exigo/internal/auth"
	_ "exigo/internal/auth/plaintext" // registers the plaintext driver
	"exigo/internal/conf"
	"exigo/internal/dnsx"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"exigo/internal/smtpd"
	"exigo/internal/spool"
)

// spoolDir is spool_directory, or the data directory's spool when the
// configuration does not set it (exigo's compiled-in default).
func spoolDir(cfg *conf.Config) string {
	if d := cfg.String("spool_directory"); d != "" {
		return d
	}
	return filepath.Join(DataDir(), "spool")
}

// newLogger opens Exim's logs as the configuration describes them. test
// is -bh's "LOG: " output to standard error.
func (r *run) newLogger(cfg *conf.Config, test io.Writer) (*eximlog.Logger, error) {
	path := ""
	if cfg.IsSet("log_file_path") {
		ctx := &expand.Context{Vars: &configVars{cfg: cfg}}
		v, err := ctx.Expand(cfg.String("log_file_path"))
		if err != nil {
			return nil, fmt.Errorf("failed to expand log_file_path: %s", err)
		}
		path = v
	}
	c := eximlog.Config{
		FilePath: path, Selector: cfg.String("log_selector"), SpoolDir: spoolDir(cfg),
		Timezone: cfg.Bool("log_timezone"), SyslogFacility: cfg.String("syslog_facility"),
		SyslogProcessName: cfg.String("syslog_processname"),
		NoRejectLog:       !cfg.Bool("write_rejectlog"),
		Stderr:            r.stderr,
	}
	if test != nil {
		c.Test, c.TestNoTimestamp = test, true
	}
	return eximlog.New(c)
}

// newServer builds the SMTP server a daemon, -bs or -bh session uses.
func (r *run) newServer(cfg *conf.Config, hostCheck bool) (*smtpd.Server, error) {
	var test io.Writer
	if hostCheck {
		test = r.stderr
	}
	lg, err := r.newLogger(cfg, test)
	if err != nil {
		return nil, err
	}
	auths, err := auth.Build(cfg)
	if err != nil {
		return nil, err
	}
	srv := &smtpd.Server{
		Config: cfg, Log: lg, Auths: auths, Resolver: dnsx.Default(),
		ACLCache: acl.NewCache(), Version: EximVersion, HostCheck: hostCheck,
		IDs: spool.NewIDGen(os.Getpid(), localhostNumber(cfg)),
	}
	if !hostCheck {
		sp, err := spool.Open(spoolDir(cfg), cfg.Bool("split_spool_directory"))
		if err != nil {
			return nil, err
		}
		srv.Spool = sp
	}
	if cfg.String("tls_advertise_hosts") != "" {
		tc, err := tlsConfig(cfg)
		if err != nil {
			lg.Panic("", "TLS setup failed: "+err.Error())
		} else {
			srv.TLS = tc
		}
	}
	srv.Verify = newVerifier(cfg)
	return srv, nil
}

func localhostNumber(cfg *conf.Config) int {
	if !cfg.IsSet("localhost_number") {
		return -1
	}
	n := cfg.Int("localhost_number")
	return int(n)
}

// tlsConfig loads tls_certificate and tls_privatekey, or, like Exim 4.96
// when none is configured, makes a self-signed certificate for the
// primary host name.
func tlsConfig(cfg *conf.Config) (*tls.Config, error) {
	var cert tls.Certificate
	var err error
	if certFile := cfg.String("tls_certificate"); certFile != "" {
		keyFile := cfg.String("tls_privatekey")
		if keyFile == "" {
			keyFile = certFile
		}
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
	} else {
		cert, err = selfSigned(cfg.PrimaryHostname())
	}
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func selfSigned(name string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
