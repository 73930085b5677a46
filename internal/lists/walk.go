package lists

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"exigo/internal/syserr"
)

// outcome of testing one list item.
type outcome int

const (
	noMatch outcome = iota
	matched
	deferred // temporary failure; the error says why
	unknown  // host name or address could not be found (Exim's ERROR)
)

// prober tests single items for one kind of list. It records the data
// and numeric variables of a match in the result it was built with.
type prober interface {
	test(item string) (outcome, error)
}

// casefuller is a prober that understands "+caseful".
type casefuller interface{ caseful() }

// maxNesting bounds named lists referring to each other; maxNamedUses
// bounds the work when they refer to each other many times.
const (
	maxNesting   = 50
	maxNamedUses = 10000
)

// walker scans one list as Exim's match_check_list does.
type walker struct {
	env   *Env
	kind  Kind
	probe prober
	res   *Result
	depth int
	uses  *int // named lists entered so far, shared with sub-walkers
}

// hostFlags are the "+include_unknown" family, in force until changed.
type hostFlags struct {
	includeUnknown, ignoreUnknown bool
	includeDefer, ignoreDefer     bool
}

// run scans list (already expanded); name is how a failing file open
// names the list. It reports whether the subject is in the list.
func (w *walker) run(list, name string) (bool, error) {
	it := NewIter(list)
	return w.scan(&it, name)
}

// runSingle treats item as a list of just that item (Exim's impossible
// separator), as for the domain part of an address list item.
func (w *walker) runSingle(item string) (bool, error) {
	return w.scan(&singleItem{item: trimItemEnd(strings.TrimLeft(item, " \t\n\v\f\r"))}, quoted(item))
}

// itemSource yields list items.
type itemSource interface{ Next() (string, bool) }

type singleItem struct {
	item string
	done bool
}

func (s *singleItem) Next() (string, bool) {
	if s.done || s.item == "" {
		return "", false
	}
	s.done = true
	return s.item, true
}

func (w *walker) scan(it itemSource, name string) (bool, error) {
	var flags hostFlags
	yield := true // the sense of the last item seen
	for item, ok := it.Next(); ok; item, ok = it.Next() {
		if w.special(item, &flags) {
			continue
		}
		yield = true
		if item != "" && item[0] == '!' {
			yield = false
			item = strings.TrimLeft(item[1:], " \t\n\v\f\r")
		}
		var oc outcome
		var err error
		switch {
		case item != "" && item[0] == '/':
			yield, oc, err = w.file(item, name, yield, &flags)
		case item != "" && item[0] == '+':
			oc, err = w.named(item)
		default:
			oc, err = w.probe.test(item)
		}
		if done, in, err := w.settle(oc, err, yield, &flags); done {
			return in, err
		}
	}
	return !yield, nil
}

// special handles the items that only set flags.
func (w *walker) special(item string, f *hostFlags) bool {
	switch w.kind {
	case Address, LocalPart:
		if item == "+caseful" {
			if c, ok := w.probe.(casefuller); ok {
				c.caseful()
			}
			return true
		}
	case Host:
		switch item {
		case "+include_unknown":
			f.includeUnknown, f.ignoreUnknown = true, false
		case "+ignore_unknown":
			f.ignoreUnknown, f.includeUnknown = true, false
		case "+include_defer":
			f.includeDefer, f.ignoreDefer = true, false
		case "+ignore_defer":
			f.ignoreDefer, f.includeDefer = true, false
		default:
			return false
		}
		return true
	}
	return false
}

// ignored reports whether an outcome lets the scan go on.
func ignored(oc outcome, err error, f *hostFlags) bool {
	switch oc {
	case noMatch:
		return err == nil
	case deferred:
		return f.ignoreDefer
	case unknown:
		return f.ignoreUnknown
	}
	return false
}

// settle turns an item's outcome into the list's answer, or into "go on"
// (done false).
func (w *walker) settle(oc outcome, err error, yield bool, f *hostFlags) (done, in bool, _ error) {
	switch oc {
	case matched:
		if !yield {
			*w.res = Result{}
		}
		return true, yield, nil
	case deferred:
		if f.ignoreDefer {
			return false, false, nil
		}
		if f.includeDefer {
			w.log(fmt.Sprintf("%s: accepted by +include_defer", err))
			return true, true, nil
		}
		return true, false, err
	case unknown:
		if f.ignoreUnknown {
			return false, false, nil
		}
		if f.includeUnknown {
			w.log(fmt.Sprintf("%s: accepted by +include_unknown", err))
			return true, true, nil
		}
		return true, false, nil
	}
	if err != nil { // fatal
		return true, false, err
	}
	return false, false, nil
}

func (w *walker) log(line string) {
	if w.env != nil && w.env.Log != nil {
		w.env.Log(line)
	}
}

var kindWords = [...]string{Domain: "domain", Host: "host", Address: "address", LocalPart: "local part"}

// named matches against the named list "+name": a match in it counts as
// a match of this item; a non-match goes on to the next item.
func (w *walker) named(item string) (outcome, error) {
	var list string
	ok := false
	if w.env != nil && w.env.Named != nil {
		list, ok = w.env.Named.NamedList(w.kind, item[1:])
	}
	if !ok {
		w.log(fmt.Sprintf("unknown named %s list \"%s\"", kindWords[w.kind], item))
		return deferred, &DeferError{Msg: nullMessage}
	}
	if w.uses == nil {
		w.uses = new(int)
	}
	if *w.uses++; w.depth >= maxNesting || *w.uses > maxNamedUses {
		return noMatch, &FatalError{Msg: fmt.Sprintf("named list \"%s\" nested too deeply", item)}
	}
	expanded, forced, err := w.expand(list)
	if forced {
		return noMatch, nil
	}
	if err != nil {
		w.log(fmt.Sprintf("failed to expand \"%s\" while checking a list: %s", list, err))
		return deferred, &DeferError{Msg: nullMessage}
	}
	sub := *w
	sub.depth++
	in, err := sub.run(expanded, quoted(list))
	if err != nil {
		if IsDefer(err) {
			return deferred, err
		}
		return noMatch, err
	}
	if in {
		return matched, nil
	}
	*w.res = Result{}
	return noMatch, nil
}

// expand expands a named list's value when the Env can.
func (w *walker) expand(list string) (value string, forced bool, err error) {
	switch {
	case w.env == nil:
		return list, false, nil
	case w.kind == Domain && w.env.ExpandDomain != nil:
		value, err = w.env.ExpandDomain(list, w.probe.(*stringProbe).subject)
	case w.env.Expand != nil:
		value, err = w.env.Expand(list)
	default:
		return list, false, nil
	}
	if err != nil && isForcedFail(w.env, err) {
		return "", true, nil
	}
	return value, false, err
}

// isForcedFail recognizes a forced expansion failure: through
// Env.ForcedFail, or an error with a ForcedFail() bool method.
func isForcedFail(env *Env, err error) bool {
	if env.ForcedFail != nil {
		return env.ForcedFail(err)
	}
	var f interface{ ForcedFail() bool }
	return errors.As(err, &f) && f.ForcedFail()
}

func quoted(s string) string { return "\"" + s + "\"" }

// file matches against the lines of the file named by item, each an item
// (no file names, no named lists in them); a "!" in the file inverts the
// sense of the item naming the file. fileYield is the sense of the last
// line tried.
func (w *walker) file(item, listName string, yield bool, f *hostFlags) (fileYield bool, oc outcome, err error) {
	data, rerr := os.ReadFile(item)
	if rerr != nil {
		return yield, noMatch, &FatalError{Msg: fmt.Sprintf("failed to open %s when checking %s: %s",
			item, listName, syserr.Of(rerr))}
	}
	fileYield = yield
	for _, line := range strings.Split(string(data), "\n") {
		line = w.stripComment(line)
		line = strings.Trim(line, " \t\n\v\f\r")
		if line == "" {
			continue
		}
		fileYield = yield
		if line[0] == '!' {
			fileYield = !yield
			line = strings.TrimLeft(line[1:], " \t\n\v\f\r")
		}
		oc, err = w.probe.test(line)
		if oc == matched { // a file's line is the data, whatever matched
			w.res.HasData, w.res.Data = true, line
		}
		if !ignored(oc, err, f) {
			return fileYield, oc, err
		}
	}
	return fileYield, noMatch, nil
}

// stripComment removes a "#" comment; in address and local part lists
// only a "#" at the start or after white space starts one.
func (w *walker) stripComment(line string) string {
	if w.kind != Address && w.kind != LocalPart {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			return line[:i]
		}
		return line
	}
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || isSpace(line[i-1])) {
			return line[:i]
		}
	}
	return line
}
