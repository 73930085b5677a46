// Package lmtp is Exim's lmtp transport (manual chapter "The lmtp
// transport"): an LMTP dialogue with a command's standard input and
// output or with a Unix socket, with a reply for each recipient after
// the data. Importing it registers the driver.
package lmtp

import (
	"fmt"
	"time"

	"exigo/internal/conf"
	"exigo/internal/regex"
	"exigo/internal/transport"
)

func init() {
	transport.Register("lmtp", New)
	conf.MarkImplemented(conf.KindTransport, "lmtp", "command", "socket", "timeout", "batch_max", "ignore_quota")
}

// ignoreQuotaRE finds IGNOREQUOTA in the LHLO reply (Exim's
// regex_IGNOREQUOTA).
var ignoreQuotaRE = regex.MustCompile(`\n250[\s\-]IGNOREQUOTA(\s|\n|$)`)

// Transport is one lmtp instance.
type Transport struct {
	d           *conf.Driver
	command     string
	socket      string
	timeout     time.Duration
	ignoreQuota bool
	affixes     bool
}

// New checks an instance's options and builds it.
func New(d *conf.Driver) (transport.Transport, error) {
	if err := transport.CheckGeneric(d); err != nil {
		return nil, err
	}
	if d.IsSet("command") == d.IsSet("socket") {
		return nil, fmt.Errorf("one (and only one) of command or socket must be set for the %s transport", d.Name)
	}
	return &Transport{d: d, command: d.String("command"), socket: d.String("socket"),
		timeout: d.Time("timeout"), ignoreQuota: d.Bool("ignore_quota"),
		affixes: d.Bool("rcpt_include_affixes")}, nil
}

// Local: lmtp is a local transport.
func (t *Transport) Local() bool { return true }
