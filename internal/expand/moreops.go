package expand

import (
	"fmt"
	"syscall"

	"exigo/internal/expand/funcs"
	"exigo/internal/syserr"
)

func init() {
	builtinOps["stat"] = opStat
	builtinOps["rfc2047"] = opRFC2047
	builtinOps["rfc2047d"] = opRFC2047d
	builtinItems["authresults"] = itemAuthresults
	builtinItems["certextract"] = itemCertextract
}

// opStat is ${stat:path}, formatted as Exim does.
func opStat(_ *expander, _, _ string, sub arg) (string, bool, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(sub.s, &st); err != nil {
		return "", false, failMsg(fmt.Sprintf("stat(%s) failed: %s", sub.s, syserr.Text(err.(syscall.Errno))))
	}
	return fmt.Sprintf("mode=%04o smode=%s inode=%d device=%d links=%d uid=%d gid=%d size=%d atime=%d mtime=%d ctime=%d",
		st.Mode&0o77777, symbolicMode(st.Mode), st.Ino, st.Dev, st.Nlink, st.Uid, st.Gid, st.Size,
		st.Atim.Sec, st.Mtim.Sec, st.Ctim.Sec), false, nil
}

// symbolicMode is ls-style: type letter, then rwx triples with s/S/t/T.
func symbolicMode(mode uint32) string {
	b := []byte("?---------")
	switch mode & syscall.S_IFMT {
	case syscall.S_IFIFO:
		b[0] = 'p'
	case syscall.S_IFCHR:
		b[0] = 'c'
	case syscall.S_IFDIR:
		b[0] = 'd'
	case syscall.S_IFBLK:
		b[0] = 'b'
	case syscall.S_IFREG:
		b[0] = '-'
	}
	special := [3]struct {
		bit        uint32
		set, unset byte
	}{{0o4000, 's', 'S'}, {0o2000, 's', 'S'}, {0o1000, 't', 'T'}}
	for k := 0; k < 3; k++ {
		perm := (mode >> (6 - 3*k)) & 7
		p := b[1+3*k:]
		if perm&4 != 0 {
			p[0] = 'r'
		}
		if perm&2 != 0 {
			p[1] = 'w'
		}
		x := perm&1 != 0
		if mode&special[k].bit != 0 {
			p[2] = special[k].unset
			if x {
				p[2] = special[k].set
			}
		} else if x {
			p[2] = 'x'
		}
	}
	return string(b)
}

// headersCharset is headers_charset from the variables, else UTF-8.
func (e *expander) headersCharset() string {
	if e.c.Vars != nil {
		if cs, _, ok := e.c.Vars.Var("headers_charset"); ok && cs != "" {
			return cs
		}
	}
	return "UTF-8"
}

// opRFC2047 encodes as a Q-encoded word when anything needs it, folding
// long results into several words as Exim's parse_quote_2047 does.
func opRFC2047(e *expander, _, _ string, sub arg) (string, bool, error) {
	return funcs.QuoteRFC2047(sub.s, e.headersCharset()), sub.t, nil
}

func opRFC2047d(e *expander, _, _ string, sub arg) (string, bool, error) {
	return e.decode2047(sub.s, e.headersCharset()), sub.t, nil
}

// itemAuthresults is ${authresults{id}}; without authentication results
// to report, only the header's start is produced.
func itemAuthresults(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	args, j, err := e.readSubs(s, i, 1, 1, fl, true, name)
	if err != nil || fl&skipping != 0 {
		return j, err
	}
	o.add("Authentication-Results: "+args[0].s, args[0].t)
	return j, nil
}

// itemCertextract is ${certextract{field}{$cert_var}{yes}{no}}. exigo's
// certificate variables are registered by the TLS code; without one the
// extraction fails and the "no" string is used.
func itemCertextract(e *expander, s string, i int, fl flags, o *buf, name string) (int, error) {
	saved := e.save()
	defer e.restoreNums(saved)
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for field arg of certextract")
	}
	_, _, j, err := e.run(s, i+1, braceEnds|honorDollar|fl&skipping)
	if err != nil {
		return j, err
	}
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' closing field arg of certextract")
	}
	i = skipSpace(s, j+1)
	if i >= len(s) || s[i] != '{' {
		return i + 1, e.curly("missing '{' for cert variable arg of certextract")
	}
	if i+1 >= len(s) || s[i+1] != '$' {
		return i + 1, failMsg(`second argument of "certextract" must be a certificate variable`)
	}
	v, _, j, err := e.run(s, i+2, braceEnds|fl&skipping)
	if err != nil {
		return j, err
	}
	if j >= len(s) || s[j] != '}' {
		return j + 1, e.curly("missing '}' closing cert variable arg of certextract")
	}
	if fl&skipping == 0 && !certVars[v] {
		if _, known := knownVars[v]; !known {
			return j + 1, failMsg(fmt.Sprintf("no variable named \"%s\"", v))
		}
		return j + 1, failMsg(fmt.Sprintf("\"%s\" is not a certificate", v))
	}
	e.setValue("", false, false)
	return e.yesNo(s, j+1, fl, false, saved, o, "certextract")
}

var certVars = map[string]bool{
	"tls_in_ourcert": true, "tls_in_peercert": true, "tls_out_ourcert": true, "tls_out_peercert": true,
}
