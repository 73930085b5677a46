// Package transport holds Exim's transports: the interface the delivery
// process calls, the registry drivers add themselves to, and the message
// writer they share (Exim's transport_write_message).
package transport

import (
	"fmt"
	"io"
	"os"
	"time"

	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/registry"
	"exigo/internal/retry"
	"exigo/internal/spool"
	"exigo/internal/waitdb"
)

// Message is a spooled message as transports see it.
type Message struct {
	ID     string
	Header *spool.Header
	// Body opens the body: the -D file's contents after its id line.
	Body func() (io.ReadCloser, error)
}

// Env is what a delivery gives a transport.
type Env struct {
	Config *conf.Config
	// Ctx expands options with the message's and the (first) address's
	// variables set ($local_part, $domain, $host, $return_path ...).
	Ctx *expand.Context
	Log *eximlog.Logger
	Now func() time.Time
	// Spool is the spool the message is in (the queuefile transport
	// copies its files); nil means spool_directory unsplit.
	Spool *spool.Spool
	// Conns keeps remote connections open between messages for reuse;
	// nil means every delivery closes its own. See Conns.
	Conns *Conns
	// Retry tells remote transports which hosts may be tried now (Exim's
	// retry_check_address); nil means every host may.
	Retry *retry.Checker
	// ReturnFile receives a local transport's output (what a pipe command
	// writes): Exim's return file, opened by the delivery process when
	// the transport keeps output (KeepsOutput); nil: output is dropped.
	ReturnFile *os.File
	// Msglog adds a line (without time stamp) to the message log, for
	// what a transport writes there itself (the smtp transport's host
	// errors); nil: nothing is written.
	Msglog func(text string)
	// DeferDirSync: a local transport that makes a directory entry (a
	// Maildir file) leaves the directory's fsync to the caller, naming
	// the directory in the address's SyncDir; the caller shares one
	// fsync among concurrent deliveries. false: the transport syncs.
	DeferDirSync bool
	// Events raises Exim's delivery events (event_action); nil raises
	// none.
	Events *Events
	// Wait is the wait-<transport> databases: remote transports record a
	// message deferred for its hosts there, and after a good delivery look
	// for another message waiting for the host. nil: neither.
	Wait *waitdb.Store
	// Continue receives a waiting message found for a connection the
	// transport kept in Conns; the delivery process sends it next.
	Continue func(Continuation)
	// Continued is set when this delivery continues down an open
	// connection (Exim's -MC): that transport uses only that host.
	Continued *Continuation
}

// Transport is one configured transport instance.
type Transport interface {
	// Deliver delivers msg to addrs and records the outcome on each
	// (Result, Message, BasicErrno, HostUsed ...). Local transports get
	// one address at a time unless batch_max allows more; remote ones
	// get the addresses that share a host list.
	Deliver(env *Env, msg *Message, addrs []*item.Address)
	// Local reports a local transport (runs as the address's user).
	Local() bool
}

// Warner is a transport that may ask for a warning message to be sent
// after a delivery (Exim's transport warn_message; appendfile's
// quota_warn_message, asked for by item.Address.QuotaWarn). WarnMessage
// is the unexpanded text, "" for none.
type Warner interface {
	WarnMessage() string
}

// Factory builds a transport instance from its configuration.
type Factory func(d *conf.Driver) (Transport, error)

var driverTable registry.Registry[Factory]

// Register adds a transport driver ("appendfile", "smtp", ...).
func Register(driver string, f Factory) { driverTable.Register(driver, f) }

// Drivers lists the registered driver names.
func Drivers() []string { return driverTable.Names() }

// Build makes every transport of the configuration, by name.
func Build(cfg *conf.Config) (map[string]Transport, error) {
	out := map[string]Transport{}
	for _, d := range cfg.Transports {
		f, ok := driverTable.Get(d.Driver)
		if !ok {
			return nil, fmt.Errorf("transport %s: driver %q is not available in this build", d.Name, d.Driver)
		}
		t, err := f(d)
		if err != nil {
			return nil, fmt.Errorf("%s transport: %v", d.Name, err)
		}
		out[d.Name] = t
	}
	return out, nil
}
