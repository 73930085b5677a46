package transport

import (
	"strings"

	"exigo/internal/item"
)

// envelopeTo is the value of Envelope-to: the envelope recipients the
// batch's addresses come from, each once, with those of addresses that
// were dropped as their duplicates before them (Exim's write_env_to).
func envelopeTo(addrs []*item.Address, dups func(*item.Address) []*item.Address) string {
	e := envTo{dups: dups, seen: map[*item.Address]bool{}, done: map[*item.Address]bool{}}
	for _, a := range addrs {
		e.add(a)
	}
	return strings.Join(e.out, ",\n ")
}

type envTo struct {
	dups func(*item.Address) []*item.Address
	seen map[*item.Address]bool // addresses handled (breaks loops)
	done map[*item.Address]bool // envelope recipients written
	out  []string
}

func (e *envTo) add(a *item.Address) {
	if e.seen[a] {
		return
	}
	e.seen[a] = true
	top := a
	for p := a; p != nil; p = p.Parent {
		if e.dups != nil {
			for _, d := range e.dups(p) {
				e.add(d)
			}
		}
		top = p
	}
	if e.done[top] {
		return
	}
	e.done[top] = true
	e.out = append(e.out, top.Address)
}
