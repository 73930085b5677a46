package expand

import (
	"fmt"
	"strings"
)

// extractJSON is ${extract json{...}} and ${extract jsons{...}}.
func extractJSON(unquote, numbered bool, field int, key, doc string) (string, bool, error) {
	wrap := "{}"
	what := "object"
	if numbered {
		wrap, what = "[]", "array"
	}
	body, err := dewrap(doc, wrap)
	if err != nil {
		return "", false, failMsg(fmt.Sprintf("%s wrapping %s for extract json", err.Error(), what))
	}
	var value string
	found := false
	if numbered {
		if field <= 0 {
			return "", false, failMsg(`first argument of "extract" must be greater than zero`)
		}
		for ; field > 0; field-- {
			item, ok := jsonNext(&body)
			if !ok {
				break
			}
			if field == 1 {
				value, found = strings.TrimRight(item, " \t\n\r\v\f"), true
			}
		}
	} else {
		for {
			item, ok := jsonNext(&body)
			if !ok {
				break
			}
			name, rest, err := dewrapRest(item, `""`)
			if err != nil {
				return "", false, failMsg(fmt.Sprintf("%s wrapping string key for extract json", err.Error()))
			}
			if name != key {
				continue
			}
			rest = strings.TrimLeft(rest, " \t\n\r\v\f")
			if !strings.HasPrefix(rest, ":") {
				return "", false, failMsg("missing object value-separator for extract json")
			}
			value, found = strings.TrimLeft(rest[1:], " \t\n\r\v\f"), true
			break
		}
	}
	if found && unquote {
		v, err := dewrap(value, `""`)
		if err != nil {
			return "", false, failMsg(fmt.Sprintf("%s wrapping string result for extract jsons", err.Error()))
		}
		value = v
	}
	return value, found, nil
}

// dewrap strips the wrapping characters (after leading white space) and
// returns what was inside; a backslash escapes the next character.
func dewrap(s, wrap string) (string, error) {
	inner, _, err := dewrapRest(s, wrap)
	return inner, err
}

func dewrapRest(s, wrap string) (string, string, error) {
	p := skipSpace(s, 0)
	if p >= len(s) || s[p] != wrap[0] {
		return "", "", failMsg(fmt.Sprintf("missing '%c'", wrap[0]))
	}
	{
		start := p + 1
		depth := 0
		quotes := wrap[0] == wrap[1]
		for p = start; p < len(s); p++ {
			switch c := s[p]; {
			case c == '\\':
				p++
			case !quotes && c == wrap[0]:
				depth++
			case c == wrap[1]:
				if depth == 0 {
					return s[start:p], s[p+1:], nil
				}
				depth--
			}
		}
	}
	return "", "", failMsg(fmt.Sprintf("missing '%c'", wrap[1]))
}

// jsonNext takes the next top-level comma-separated element of *list.
func jsonNext(list *string) (string, bool) {
	s := *list
	p := skipSpace(s, 0)
	start := p
	arrays, objects := 0, 0
	for ; p < len(s) && (s[p] != ',' || arrays != 0 || objects != 0); p++ {
		switch s[p] {
		case '[':
			arrays++
		case ']':
			arrays--
		case '{':
			objects++
		case '}':
			objects--
		}
	}
	item := s[start:p]
	if p < len(s) {
		p++
	}
	*list = s[p:]
	return item, item != ""
}
