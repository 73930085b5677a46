package conf

import (
	"strings"
)

// ParseACL reads ACL text that is not in the configuration file: an
// acl_smtp_* value that is an inline ACL, or the contents of an ACL file.
// The lines are read as the configuration's are (continuations, comments,
// blank lines), without macros: Exim 4.96 leaves even the built-in ones
// in an ACL file as they stand.
func ParseACL(name, file, text string) (*ACL, error) {
	macros := &macroTable{}
	p := &parser{
		cfg:     &Config{ACLs: map[string]*ACL{}},
		rd:      newReader(file, ".", strings.NewReader(text), macros),
		macros:  macros,
		section: "acl",
	}
	defer p.rd.close()
	acl := &ACL{Name: name, File: file, Line: 1}
	for {
		l, ok, err := p.rd.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return acl, nil
		}
		if err := p.aclLine(acl, l); err != nil {
			return nil, err
		}
	}
}
