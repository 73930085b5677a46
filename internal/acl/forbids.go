package acl

import "fmt"

// whereSet is a set of ACL places.
type whereSet map[Where]bool

func places(ws ...Where) whereSet {
	s := whereSet{}
	for _, w := range ws {
		s[w] = true
	}
	return s
}

// placeRule says where a condition or modifier may be used: only in the
// places listed, or anywhere but them.
type placeRule struct {
	only   bool
	places whereSet
}

func (p placeRule) forbids(w Where) bool { return p.places[w] != p.only }

var messageACLs = []Where{WhereMAIL, WhereRCPT, WherePredata, WhereDATA, WherePRDR, WhereMIME, WhereNotSMTP}

// placeRules are Exim's condition table "forbids" bits: using one of
// these where it makes no sense is an error, not a failed test.
var placeRules = map[string]placeRule{
	"add_header":     {true, places(append(messageACLs, WhereDKIM, WhereNotSMTPStart)...)},
	"authenticated":  {false, places(WhereNotSMTP, WhereNotSMTPStart, WhereConnect, WhereHELO)},
	"delay":          {false, places(WhereNotQuit)},
	"domains":        {true, places(WhereRCPT, WhereVRFY, WherePRDR)},
	"encrypted":      {false, places(WhereNotSMTP, WhereNotSMTPStart, WhereHELO)},
	"hosts":          {false, places(WhereNotSMTP, WhereNotSMTPStart)},
	"local_parts":    {true, places(WhereRCPT, WhereVRFY, WherePRDR)},
	"queue":          {false, places(WhereNotSMTP, WherePRDR, WhereDATA)},
	"recipients":     {true, places(WhereRCPT)},
	"remove_header":  {true, places(append(messageACLs, WhereNotSMTPStart)...)},
	"sender_domains": {false, places(WhereAUTH, WhereConnect, WhereHELO, WhereMAILAUTH, WhereQuit, WhereETRN, WhereEXPN, WhereSTARTTLS, WhereVRFY)},
	"senders":        {false, places(WhereAUTH, WhereConnect, WhereHELO, WhereMAILAUTH, WhereQuit, WhereETRN, WhereEXPN, WhereSTARTTLS, WhereVRFY)},
}

// placeError is Exim's complaint about a condition or modifier used
// where it is forbidden, or "" when it may be used here.
func placeError(name string, modifier bool, w Where) string {
	rule, ok := placeRules[name]
	if !ok || !rule.forbids(w) {
		return ""
	}
	verb := "test"
	if modifier {
		verb = "use"
	}
	return fmt.Sprintf("cannot %s %s condition in %s ACL", verb, name, w.Name())
}
