package conf

import (
	"strings"
)

// ACLVerbs are the statement verbs of Exim 4.96.
var ACLVerbs = map[string]bool{
	"accept": true, "defer": true, "deny": true, "discard": true,
	"drop": true, "require": true, "warn": true,
}

// aclModifiers never take "!"; everything else in aclNames is a condition.
var aclModifiers = map[string]bool{
	"add_header": true, "continue": true, "control": true, "debug": true,
	"delay": true, "endpass": true, "log_message": true,
	"log_reject_target": true, "logwrite": true, "message": true,
	"queue": true, "remove_header": true, "set": true, "udpsend": true,
}

// aclConditions are Exim 4.96's ACL conditions, including those of the
// optional features this project supports. Feature packages may add more
// with RegisterACLCondition.
var aclConditions = map[string]bool{
	"acl": true, "authenticated": true, "bmi_optin": true, "condition": true,
	"dcc": true, "decode": true, "demime": true, "dkim_signers": true,
	"dkim_status": true, "dmarc_status": true, "dnslists": true,
	"domains": true, "encrypted": true, "hosts": true, "local_parts": true,
	"malware": true, "mime_regex": true, "ratelimit": true,
	"recipients": true, "regex": true, "seen": true,
	"sender_domains": true, "senders": true, "spam": true, "spf": true,
	"spf_guess": true, "verify": true,
}

// RegisterACLCondition lets a feature package add a condition name
// (modifier=true for a modifier) that the reader accepts.
func RegisterACLCondition(name string, modifier bool) {
	registry.Lock()
	defer registry.Unlock()
	if modifier {
		aclModifiers[name] = true
	} else {
		aclConditions[name] = true
	}
}

func knownACLItem(name string) (known, modifier bool) {
	registry.RLock()
	defer registry.RUnlock()
	if aclModifiers[name] {
		return true, true
	}
	return aclConditions[name], false
}

// readACLs reads "begin acl": "name:" lines start ACLs, other lines are
// statements of the current one.
func (p *parser) readACLs() error {
	var cur *ACL
	for {
		l, ok, err := p.nextLine()
		if err != nil || !ok {
			return err
		}
		if isUpper(l.text[0]) {
			if err := p.defineMacro(l); err != nil {
				return err
			}
			continue
		}
		if name, ok := aclHeader(l.text); ok {
			if p.cfg.ACLs[name] != nil {
				return p.errAt(l, "there are two ACLs called %q", name)
			}
			cur = &ACL{Name: name, File: l.file, Line: l.num}
			p.cfg.ACLs[name] = cur
			p.cfg.ACLOrder = append(p.cfg.ACLOrder, name)
			continue
		}
		if cur == nil {
			return p.errAt(l, "missing or malformed ACL name")
		}
		if err := p.aclLine(cur, l); err != nil {
			return err
		}
	}
}

// aclHeader recognises "name:" (white space allowed before the colon).
func aclHeader(text string) (string, bool) {
	name, rest := splitName(text)
	if name == "" && strings.HasPrefix(text, "_") {
		i := 0
		for i < len(text) && isNameChar(text[i]) {
			i++
		}
		name, rest = text[:i], text[i:]
	}
	rest = strings.TrimSpace(rest)
	return name, name != "" && rest == ":"
}

// aclLine reads an optional verb, then at most one condition or modifier.
func (p *parser) aclLine(acl *ACL, l line) error {
	text := l.text
	word, rest := splitName(text)
	if ACLVerbs[word] {
		acl.Statements = append(acl.Statements, &Statement{Verb: word, File: l.file, Line: l.num})
		text = strings.TrimLeft(rest, " \t")
		if text == "" {
			return nil
		}
	} else if len(acl.Statements) == 0 {
		return p.errAt(l, "error in ACL: unknown ACL verb %q in %q", word, l.text)
	}
	st := acl.Statements[len(acl.Statements)-1]
	item, err := p.aclItem(text, l)
	if err != nil {
		return err
	}
	st.Items = append(st.Items, item)
	return nil
}

func (p *parser) aclItem(text string, l line) (ACLItem, error) {
	item := ACLItem{Line: l.num}
	if strings.HasPrefix(text, "!") {
		item.Negated = true
		text = strings.TrimLeft(text[1:], " \t")
	}
	name, rest := splitName(text)
	known, modifier := knownACLItem(name)
	if !known {
		return item, p.errAt(l, "error in ACL: unknown ACL condition/modifier in %q", l.text)
	}
	if item.Negated && modifier {
		return item, p.errAt(l, "error in ACL: ACL error: negation is not allowed with %q", name)
	}
	item.Name = name
	rest = strings.TrimLeft(rest, " \t")
	if name == "endpass" {
		return item, nil
	}
	if name == "set" {
		v := rest
		i := 0
		for i < len(v) && isNameChar(v[i]) {
			i++
		}
		item.Var, rest = v[:i], strings.TrimLeft(v[i:], " \t")
		if !strings.HasPrefix(item.Var, "acl_c") && !strings.HasPrefix(item.Var, "acl_m") {
			return item, p.errAt(l, "error in ACL: invalid variable name after \"set\" in ACL modifier \"set %s\"", v)
		}
	}
	if !strings.HasPrefix(rest, "=") {
		kind := "condition"
		if modifier {
			kind = "modifier"
		}
		return item, p.errAt(l, "error in ACL: \"=\" missing after ACL %q %s", name, kind)
	}
	item.Value = strings.TrimSpace(rest[1:])
	return item, nil
}
