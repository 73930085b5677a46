package dnsx

import (
	"strings"

	"exigo/internal/regex"
)

// DefaultNamesPattern is dns_check_names_pattern's default value.
const DefaultNamesPattern = `(?i)^(?>(?(1)\.|())[^\W](?>[a-z0-9/_-]*[^\W])?)+(\.?)$`

// NameOK applies dns_check_names_pattern to a name about to be looked
// up for an A record; a name that fails is "not found" without a query.
// The default pattern (which needs PCRE conditionals) is coded by hand.
func NameOK(pattern, name string) bool {
	switch pattern {
	case "":
		return true
	case DefaultNamesPattern:
		return defaultNameSyntax(name)
	}
	re, err := regex.Compile(pattern)
	if err != nil {
		return defaultNameSyntax(name)
	}
	return re.MatchString(name)
}

// defaultNameSyntax is what the default pattern accepts: labels joined
// by dots, an optional final dot, each label a word character, or word
// characters at both ends with letters, digits, '/', '_' and '-' between.
func defaultNameSyntax(name string) bool {
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if !labelOK(label) {
			return false
		}
	}
	return true
}

func labelOK(l string) bool {
	if l == "" || !isWordChar(l[0]) || !isWordChar(l[len(l)-1]) {
		return false
	}
	for i := 1; i < len(l)-1; i++ {
		if !isWordChar(l[i]) && l[i] != '/' && l[i] != '-' {
			return false
		}
	}
	return true
}

func isWordChar(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
