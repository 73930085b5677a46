package cli

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"exigo/internal/conf"
	"exigo/internal/eximlog"
	"exigo/internal/lists"
	"exigo/internal/smtpd"
)

// daemon is -bd: listen on the configured interfaces and ports and run a
// session per connection. SIGHUP re-reads the configuration; SIGTERM and
// SIGINT stop accepting and wait for the sessions to end.
func (r *run) daemon() int {
	cfg, ok := r.configOrDie()
	if !ok {
		return 1
	}
	d := &daemonState{r: r}
	if err := d.start(cfg); err != nil {
		fmt.Fprintf(r.stderr, "exigo: %v\n", err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	for sig := range sigs {
		if sig == syscall.SIGHUP {
			d.reload()
			continue
		}
		d.stop()
		return 0
	}
	return 0
}

type daemonState struct {
	r         *run
	mu        sync.Mutex
	srv       *smtpd.Server
	listeners []net.Listener
	sessions  sync.WaitGroup
	pidFile   string
	// waitDeliveries waits for deliveries started by this configuration.
	waitDeliveries func()
	stopRuns       chan struct{}
}

// endpoint is one address to listen on.
type endpoint struct {
	addr netip.Addr
	port int
}

func (e endpoint) String() string {
	return net.JoinHostPort(e.addr.String(), strconv.Itoa(e.port))
}

func (d *daemonState) start(cfg *conf.Config) error {
	if err := setupResolver(cfg); err != nil {
		return err
	}
	srv, err := d.r.newServer(cfg, false)
	if err != nil {
		return err
	}
	if removed, err := srv.Spool.Tidy(); err == nil && len(removed) > 0 {
		srv.Log.Main("", fmt.Sprintf("removed %d incomplete spool file(s) left by an earlier crash: %s", len(removed), strings.Join(removed, " ")))
	}
	// The daemon receives and delivers all day: it reuses spool files
	// rather than freeing and allocating inodes (see spool/recycle.go).
	srv.Spool.Recycle()
	d.waitDeliveries = d.r.startDelivery(srv)
	d.startQueueRuns(cfg, srv)
	eps, err := d.endpoints(cfg)
	if err != nil {
		return err
	}
	var ls []net.Listener
	for _, ep := range eps {
		l, err := listen(ep, int(cfg.Int("smtp_connect_backlog")))
		if err != nil {
			for _, o := range ls {
				o.Close()
			}
			return fmt.Errorf("socket bind() to port %d for address %s failed: %v: daemon abandoned", ep.port, ep.addr, err)
		}
		ls = append(ls, l)
	}
	d.mu.Lock()
	d.srv, d.listeners = srv, ls
	d.mu.Unlock()
	for _, l := range ls {
		go d.accept(l, srv)
	}
	d.writePid(cfg)
	d.announce(cfg, srv, eps)
	return nil
}

// endpoints combines local_interfaces with daemon_smtp_ports (or -oX).
func (d *daemonState) endpoints(cfg *conf.Config) ([]endpoint, error) {
	ports := cfg.String("daemon_smtp_ports")
	ifaces := cfg.String("local_interfaces")
	if ox, ok := d.r.opts.Session["oX"]; ok {
		if strings.ContainsAny(ox, ".:") && !isPortList(ox) {
			ifaces = ox
		} else {
			ports = ox
		}
	}
	var portNums []int
	for _, p := range lists.Split(ports) {
		n, err := portNumber(strings.TrimSpace(p))
		if err != nil {
			return nil, err
		}
		portNums = append(portNums, n)
	}
	var eps []endpoint
	for _, item := range lists.Split(ifaces) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		addr, port, err := parseInterface(item)
		if err != nil {
			return nil, err
		}
		if port > 0 {
			eps = append(eps, endpoint{addr, port})
			continue
		}
		for _, p := range portNums {
			eps = append(eps, endpoint{addr, p})
		}
	}
	return eps, nil
}

func isPortList(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c == ':' || c == ' ' || c == ',') {
			return false
		}
	}
	return true
}

func portNumber(p string) (int, error) {
	if n, err := strconv.Atoi(p); err == nil {
		return n, nil
	}
	if n, err := net.LookupPort("tcp", p); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("invalid port %q in daemon_smtp_ports", p)
}

// parseInterface reads "ip", "ip.port" or "[ip]:port".
func parseInterface(s string) (netip.Addr, int, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr(), int(ap.Port()), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a, 0, nil
	}
	ap, err := parseHostPort(s)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("malformed interface address %q in local_interfaces", s)
	}
	return ap.Addr(), int(ap.Port()), nil
}

// listen opens a TCP listening socket with smtp_connect_backlog.
func listen(ep endpoint, backlog int) (net.Listener, error) {
	family := syscall.AF_INET
	if ep.addr.Is6() && !ep.addr.Is4In6() {
		family = syscall.AF_INET6
	}
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	var sa syscall.Sockaddr
	if family == syscall.AF_INET {
		sa = &syscall.SockaddrInet4{Port: ep.port, Addr: ep.addr.Unmap().As4()}
	} else {
		syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 1)
		sa = &syscall.SockaddrInet6{Port: ep.port, Addr: ep.addr.As16()}
	}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if backlog <= 0 {
		backlog = 20
	}
	if err := syscall.Listen(fd, backlog); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close()
	return net.FileListener(f)
}

func (d *daemonState) accept(l net.Listener, srv *smtpd.Server) {
	for {
		c, err := l.Accept()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return
		}
		d.sessions.Add(1)
		go func() {
			defer d.sessions.Done()
			defer c.Close()
			d.serve(c, srv)
		}()
	}
}

func (d *daemonState) serve(c net.Conn, srv *smtpd.Server) {
	remote, _ := netip.ParseAddrPort(c.RemoteAddr().String())
	local, _ := netip.ParseAddrPort(c.LocalAddr().String())
	if tc, ok := c.(*net.TCPConn); ok && srv.Config.Bool("smtp_accept_keepalive") {
		tc.SetKeepAlive(true)
	}
	if sel := srv.Log.Selector(); sel.Has(eximlog.SmtpConnection) {
		p := eximlog.Peer{Address: remote.Addr().Unmap().String(), Port: int(remote.Port()),
			IfaceAddress: local.Addr().Unmap().String(), IfacePort: int(local.Port())}
		srv.Log.Main("", fmt.Sprintf("SMTP connection from %s (TCP/IP connection count = %d)", sel.ConnectionFrom(p), srv.Active()+1))
	}
	srv.Serve(smtpd.Peer{Conn: c, Remote: remote, Local: local})
}

func (d *daemonState) writePid(cfg *conf.Config) {
	path := ""
	switch {
	case d.r.opts.PidFile != "":
		path = d.r.opts.PidFile
	case cfg.IsSet("pid_file_path"):
		path = cfg.String("pid_file_path")
	case d.r.opts.Session["oX"] == "":
		path = filepath.Join(spoolDir(cfg), "exim-daemon.pid")
	}
	if path == "" {
		return
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0644); err == nil {
		d.pidFile = path
	}
}

// announce logs the start as Exim does, and tells the operator where
// the daemon listens and where mail goes.
func (d *daemonState) announce(cfg *conf.Config, srv *smtpd.Server, eps []endpoint) {
	var where []string
	for _, ep := range eps {
		where = append(where, fmt.Sprintf("[%s]:%d", ep.addr, ep.port))
	}
	runs := "no queue runs"
	if q := d.r.opts.QueueInterval; q != "" {
		runs = "-q" + strings.Repeat("f", d.r.opts.QueueForce) + q
	}
	srv.Log.Main("", fmt.Sprintf("exim %s daemon started: pid=%d, %s, listening for SMTP on %s",
		EximVersion, os.Getpid(), runs, strings.Join(where, " ")))
	fmt.Fprintf(d.r.stderr, "exigo: listening for SMTP on %s\n", strings.Join(where, " "))
	fmt.Fprintf(d.r.stderr, "exigo: configuration %s\n", configName(d.r.opts.ConfigFile))
	fmt.Fprintf(d.r.stderr, "exigo: spool %s, logs %s\n", spoolDir(cfg), logDirHint(cfg))
	if d.r.opts.ConfigFile == "" {
		fmt.Fprintf(d.r.stderr, "exigo: mail for local domains goes to %s\n", filepath.Join(DataDir(), "Maildir"))
	}
}

func configName(file string) string {
	if file == "" {
		return "<built-in default> (exigo -bP config prints it)"
	}
	return file
}

func logDirHint(cfg *conf.Config) string {
	if cfg.IsSet("log_file_path") {
		return cfg.String("log_file_path")
	}
	return filepath.Join(spoolDir(cfg), "log", "%slog")
}

// reload re-reads the configuration on SIGHUP; on error the old one
// stays in use.
func (d *daemonState) reload() {
	d.mu.Lock()
	old, oldLs := d.srv, d.listeners
	d.mu.Unlock()
	old.Log.Main("", fmt.Sprintf("pid %d: SIGHUP received: re-reading configuration", os.Getpid()))
	cfg, err := d.r.loadConfig()
	if err != nil {
		old.Log.Panic("", "configuration reload failed, keeping the old one: "+err.Error())
		return
	}
	for _, l := range oldLs {
		l.Close()
	}
	// Exim's daemon re-executes itself: the old configuration's queue
	// runs stop with it.
	d.stopQueueRuns()
	if err := d.start(cfg); err != nil {
		old.Log.Panic("", "restart after SIGHUP failed: "+err.Error())
		os.Exit(1)
	}
}

// stop closes the listeners and waits for the sessions in progress.
func (d *daemonState) stop() {
	d.mu.Lock()
	ls, srv := d.listeners, d.srv
	d.mu.Unlock()
	for _, l := range ls {
		l.Close()
	}
	srv.Log.Main("", fmt.Sprintf("exim %s daemon stopping: pid=%d, waiting for %d session(s)", EximVersion, os.Getpid(), srv.Active()))
	d.sessions.Wait()
	d.stopQueueRuns()
	if d.waitDeliveries != nil {
		d.waitDeliveries()
	}
	if d.pidFile != "" {
		os.Remove(d.pidFile)
	}
}
