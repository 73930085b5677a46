package expand

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"exigo/internal/lists"
)

func opRandint(_ *expander, _, _ string, sub arg) (string, bool, error) {
	max, err := StringInteger(sub.s, true)
	if err != nil {
		return "", false, err
	}
	if int32(max) <= 0 {
		return "0", false, nil
	}
	return strconv.Itoa(rand.IntN(int(int32(max)))), false, nil
}

// opListnamed is ${listnamed:name} and ${listnamed_X:name} (X one of
// a, d, h, l): the named list, re-written as a " : " separated list.
func opListnamed(e *expander, _, argText string, sub arg) (string, bool, error) {
	var b strings.Builder
	if err := e.listNamed(&b, sub.s, argText, 0); err != nil {
		return "", false, err
	}
	return b.String(), false, nil
}

var listKindNames = map[byte]struct {
	kind lists.Kind
	word string
}{
	'a': {lists.Address, "address "}, 'd': {lists.Domain, "domain "},
	'h': {lists.Host, "host "}, 'l': {lists.LocalPart, "localpart "},
}

func (e *expander) listNamed(b *strings.Builder, name, typ string, depth int) error {
	name = strings.TrimPrefix(name, "+")
	if depth > 50 {
		return failMsg(fmt.Sprintf("\"%s\" is not a named list", name))
	}
	list, ok, err := e.findNamedList(name, typ)
	if err != nil || !ok {
		if err == nil {
			word := ""
			if typ != "" {
				word = listKindNames[typ[0]].word
			}
			err = failMsg(fmt.Sprintf("\"%s\" is not a %snamed list", name, word))
		}
		return err
	}
	it := lists.NewIter(list)
	first := true
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		if !first {
			b.WriteString(" : ")
		}
		first = false
		if strings.HasPrefix(item, "+") {
			if err := e.listNamed(b, item, typ, depth+1); err != nil {
				return err
			}
			continue
		}
		writeColonItem(b, item, it.Sep())
	}
	return nil
}

func (e *expander) findNamedList(name, typ string) (string, bool, error) {
	var named lists.Named
	if e.c.Lists != nil {
		named = e.c.Lists.Named
	}
	if typ != "" {
		k, ok := listKindNames[typ[0]]
		if !ok {
			return "", false, failMsg(`bad suffix on "list" operator`)
		}
		if named == nil {
			return "", false, nil
		}
		v, found := named.NamedList(k.kind, name)
		return v, found, nil
	}
	if named == nil {
		return "", false, nil
	}
	for _, k := range []lists.Kind{lists.Address, lists.Domain, lists.Host, lists.LocalPart} {
		if v, ok := named.NamedList(k, name); ok {
			return v, true, nil
		}
	}
	return "", false, nil
}

// writeColonItem re-quotes an item of a list with separator sep for a
// colon-separated list.
func writeColonItem(b *strings.Builder, item string, sep byte) {
	if sep == ':' {
		b.WriteString(item)
		return
	}
	for k := 0; k < len(item); k++ {
		c := item[k]
		switch {
		case c == ':':
			b.WriteString("::")
		case c == sep:
			b.WriteByte(c)
			if k+1 < len(item) && item[k+1] == sep {
				k++
			}
		default:
			b.WriteByte(c)
		}
	}
}
