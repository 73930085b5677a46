package acl

import (
	"fmt"
	"net"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/lists"
)

// modifierNames are the modifiers handled by modifier(); message,
// log_message and endpass are handled by the statement loop.
var modifierNames = map[string]struct{}{
	"add_header": {}, "continue": {}, "control": {}, "debug": {}, "delay": {},
	"log_reject_target": {}, "logwrite": {}, "queue": {}, "remove_header": {},
	"set": {}, "udpsend": {},
}

// modifier obeys one modifier; a result other than OK ends the statement.
func (r *run) modifier(verb string, it *conf.ACLItem) Result {
	label := it.Name
	if it.Name == "set" {
		label = "set " + it.Var
	}
	r.debugf("check %s = %s", label, it.Value)
	val, err := r.env.Ctx.Expand(it.Value)
	if err != nil {
		if isForced(err) {
			return OK
		}
		r.logMsg = fmt.Sprintf("failed to expand ACL string %q: %s", it.Value, err)
		return Error
	}
	if val != it.Value {
		r.debugf("%s = %s", strings.Repeat(" ", len("check ")+len(label)), val)
	}
	if msg := placeError(it.Name, true, r.where); msg != "" {
		r.logMsg = msg
		return Error
	}
	switch it.Name {
	case "add_header":
		if !r.where.receivesMessage() {
			return OK
		}
		r.addHeaderText(val)
	case "remove_header":
		if r.where.receivesMessage() {
			r.removeHeaders(val)
		}
	case "set":
		r.setVar(it.Var, val)
	case "control":
		return r.control(val)
	case "delay":
		return r.delay(val)
	case "logwrite":
		r.logwrite(val)
	case "log_reject_target":
		return r.setRejectTarget(val)
	case "queue":
		r.env.State.Queue = val
	case "udpsend":
		return r.udpsend(val)
	}
	return OK
}

func (r *run) setVar(name, val string) {
	ctx := r.env.Ctx
	if ctx.ACL == nil {
		ctx.ACL = map[string]string{}
	}
	ctx.ACL[name] = val
}

// addHeaderText queues the header lines of an add_header value: leading
// and trailing newlines go, a newline not followed by white space starts
// a new line, and a line that is not a header gets "X-ACL-Warn: ".
func (r *run) addHeaderText(text string) {
	text = strings.Trim(text, "\n")
	if text == "" {
		return
	}
	st := r.env.State
	for _, line := range splitHeaderLines(text) {
		pos := ""
		for _, p := range []string{"at_start_rfc", "at_start", "after_received", "at_end"} {
			if strings.HasPrefix(line, ":"+p+":") {
				pos, line = p, line[len(p)+2:]
				break
			}
		}
		if !isHeaderLine(line) {
			line = "X-ACL-Warn: " + line
		}
		h := AddedHeader{Text: line + "\n", Position: pos}
		dup := false
		for _, old := range st.AddHeaders {
			if old == h {
				dup = true
				break
			}
		}
		if !dup {
			st.AddHeaders = append(st.AddHeaders, h)
		}
	}
}

func splitHeaderLines(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' && (i+1 >= len(text) || (text[i+1] != ' ' && text[i+1] != '\t')) {
			out = append(out, text[start:i])
			start = i + 1
		}
	}
	return append(out, text[start:])
}

// isHeaderLine: a name of printing characters other than colon, then a
// colon (white space may come before it).
func isHeaderLine(s string) bool {
	i := 0
	for i < len(s) && s[i] > ' ' && s[i] < 127 && s[i] != ':' {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i < len(s) && s[i] == ':'
}

func (r *run) removeHeaders(val string) {
	for _, name := range lists.Split(val) {
		name = strings.TrimSuffix(strings.TrimSpace(name), ":")
		if name != "" {
			r.env.State.RemoveHeaders = append(r.env.State.RemoveHeaders, name)
		}
	}
}

func (r *run) delay(val string) Result {
	d, ok := conf.ParseTime(strings.TrimSpace(val))
	if !ok {
		r.logMsg = fmt.Sprintf("syntax error in argument for \"delay\" modifier: \"%s\" is not a time value", val)
		return Error
	}
	r.debugf("delay modifier requests %d-second delay", int(d/time.Second))
	if r.env.HostCheck {
		r.debugf("delay skipped in -bh checking mode")
		return OK
	}
	if _, noFlush := r.env.State.Controls["no_delay_flush"]; !noFlush && r.env.Flush != nil {
		r.env.Flush()
	}
	sleep := r.env.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	sleep(d)
	return OK
}

// logwrite writes to the main log, or to the logs named in a leading
// ":main,reject:" prefix.
func (r *run) setRejectTarget(val string) Result {
	targets := []string{}
	for _, t := range lists.Split(val) {
		t = strings.TrimSpace(t)
		switch t {
		case "main", "reject", "panic":
			targets = append(targets, t)
		case "":
		default:
			r.logMsg = fmt.Sprintf("unknown log name %q in \"log_reject_target\" in %s ACL", t, r.where.Name())
			return Error
		}
	}
	r.rejectTarget = targets
	return OK
}

// udpsend sends one datagram: "host : port : data".
func (r *run) udpsend(val string) Result {
	parts := lists.Split(val)
	if len(parts) < 3 {
		r.logMsg = "missing data in \"udpsend\""
		return Error
	}
	host, port := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	data := strings.Join(parts[2:], ":")
	conn, err := net.Dial("udp", net.JoinHostPort(strings.Trim(host, "[]"), port))
	if err != nil {
		r.logMsg = "udpsend: " + err.Error()
		return Defer
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(data)); err != nil {
		r.logMsg = "udpsend: " + err.Error()
		return Defer
	}
	return OK
}
