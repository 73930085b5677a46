package transport

import (
	"exigo/internal/conf"
	"exigo/internal/expand/funcs"
)

// Printing is Exim's string_printing, which a remote or LMTP reply goes
// through before it reaches a log line or a bounce: non-printing
// characters escaped (tab kept), top-bit ones too unless
// print_topbitchars is set.
func Printing(cfg *conf.Config, s string) string {
	if cfg != nil && cfg.Bool("print_topbitchars") {
		return funcs.EscapeTopBit(s)
	}
	return funcs.Escape(s)
}
