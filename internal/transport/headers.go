package transport

import (
	"strings"

	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
)

// removed says whether a header line is named by the transport's
// headers_remove (each item expanded; a forced failure or an empty
// result names nothing) or by the first address's router removals.
func removed(text string, o *WriteOptions, first *item.Address) (bool, error) {
	if o.HeadersRemove != "" {
		it := lists.NewIterSep(o.HeadersRemove, ':')
		for name, ok := it.Next(); ok; name, ok = it.Next() {
			exp, err := expandItem(o.Ctx, name)
			if err != nil {
				return false, err
			}
			if headerNamed(text, exp) {
				return true, nil
			}
		}
	}
	if first == nil {
		return false, nil
	}
	for _, list := range first.HeadersRemove {
		it := lists.NewIterSep(list, ':')
		for name, ok := it.Next(); ok; name, ok = it.Next() {
			if headerNamed(text, name) {
				return true, nil
			}
		}
	}
	return false, nil
}

// headerNamed matches a header line against a headers_remove item: a
// name, caselessly, followed by optional white space and a colon, or a
// prefix ending in '*'. An empty item matches nothing.
func headerNamed(text, name string) bool {
	if name == "" {
		return false
	}
	if strings.HasSuffix(name, "*") {
		p := name[:len(name)-1]
		return len(text) >= len(p) && strings.EqualFold(text[:len(p)], p)
	}
	if len(text) < len(name) || !strings.EqualFold(text[:len(name)], name) {
		return false
	}
	rest := strings.TrimLeft(text[len(name):], " \t")
	return strings.HasPrefix(rest, ":")
}

// addTransportHeaders writes headers_add: a newline-separated list whose
// items are expanded one by one; empty results and forced failures add
// nothing, and a result without a final newline gets one.
func addTransportHeaders(lw *lineWriter, o *WriteOptions) error {
	if o.HeadersAdd == "" {
		return nil
	}
	it := lists.NewIterSep(o.HeadersAdd, '\n')
	for s, ok := it.Next(); ok; s, ok = it.Next() {
		exp, err := expandItem(o.Ctx, s)
		if err != nil {
			return err
		}
		writeLine(lw, exp)
	}
	return nil
}

// expandItem expands one headers_add or headers_remove item; a forced
// failure gives "" and other failures a HeaderError.
func expandItem(ctx *expand.Context, s string) (string, error) {
	if ctx == nil {
		ctx = &expand.Context{}
	}
	v, err := ctx.Expand(s)
	if err != nil {
		if expand.IsForcedFail(err) {
			return "", nil
		}
		return "", &HeaderError{Msg: err.Error()}
	}
	return v, nil
}
