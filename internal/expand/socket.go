package expand

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"exigo/internal/expand/funcs"
	"exigo/internal/syserr"
)

// itemReadsocket is ${readsocket{spec}{request}{options}{eol}{failstring}}.
func itemReadsocket(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 4, 2, fl, false, name)
	if err != nil {
		return j, err
	}
	i = j
	var sockErr error
	if fl&skipping == 0 {
		if args[0].t {
			e.c.log("Tainted filename for search: '%s'", args[0].s)
		}
		v, err := readSocket(args)
		if err != nil {
			sockErr = err
		} else {
			o.add(v, false)
		}
	}
	if i < len(s) && s[i] == '{' {
		failFl := braceEnds | honorDollar | skipping
		if sockErr != nil {
			failFl = braceEnds | honorDollar
			e.dbg.line(sockErr.Error())
		}
		v, t, j, err := e.run(s, i+1, failFl)
		if err != nil {
			return j, err
		}
		if sockErr != nil {
			o.add(v, t)
			sockErr = nil
		}
		if j >= len(s) || s[j] != '}' {
			return j + 1, e.curly("missing '}' closing failstring for readsocket")
		}
		i = skipSpace(s, j+1)
	}
	if sockErr != nil {
		return i, sockErr
	}
	if i >= len(s) || s[i] != '}' {
		return i + 1, e.curly("missing '}' closing readsocket")
	}
	return i + 1, nil
}

type sockOpts struct {
	timeout  time.Duration
	shutdown bool
	eol      *string
}

func parseSockOpts(args []arg) sockOpts {
	opts := sockOpts{timeout: 5 * time.Second, shutdown: true}
	if len(args) > 2 {
		items := newListIter(args[2].s)
		first := true
		for item, ok := items.Next(); ok; item, ok = items.Next() {
			if first {
				first = false
				if t := funcs.ReadTime(item); t >= 0 {
					opts.timeout = time.Duration(t) * time.Second
				}
				continue
			}
			if item == "shutdown=no" {
				opts.shutdown = false
			}
		}
		if len(args) > 3 && args[3].s != "" {
			opts.eol = &args[3].s
		}
	}
	return opts
}

// readSocket connects, sends the request and reads the whole answer.
func readSocket(args []arg) (string, error) {
	spec, req := args[0], args[1]
	if spec.t {
		return "", failMsg("(null)") // Exim refuses tainted socket names without a message
	}
	opts := parseSockOpts(args)
	conn, err := dialSocket(spec.s, opts.timeout)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(opts.timeout))
	if req.s != "" {
		if _, err := io.WriteString(conn, req.s); err != nil {
			return "", failMsg(fmt.Sprintf("request write to socket failed: %s", sysErr(err)))
		}
	}
	if opts.shutdown {
		if cw, ok := conn.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
	}
	data, err := io.ReadAll(conn)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "", failMsg("socket read timed out")
		}
	}
	text := string(data)
	if opts.eol != nil {
		text = strings.ReplaceAll(text, "\n", *opts.eol)
	}
	return text, nil
}

func dialSocket(spec string, timeout time.Duration) (net.Conn, error) {
	if !strings.HasPrefix(spec, "inet:") {
		conn, err := net.DialTimeout("unix", spec, timeout)
		if err != nil {
			return nil, failMsg(fmt.Sprintf("failed to connect to socket %s: %s", spec, sysErr(err)))
		}
		return conn, nil
	}
	hostport := spec[5:]
	k := strings.LastIndexByte(hostport, ':')
	if k < 0 {
		return nil, failMsg("")
	}
	written, port := hostport[:k], hostport[k+1:]
	host := strings.Trim(written, "[]")
	if port == "" || !allDigits(port) {
		return nil, failMsg("")
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), timeout)
	if err != nil {
		return nil, failMsg(fmt.Sprintf("failed to connect to any address for %s: %s", written, sysErr(err)))
	}
	return conn, nil
}

// sysErr renders a network or file error as C's strerror would.
func sysErr(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return syserr.Text(errno)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
