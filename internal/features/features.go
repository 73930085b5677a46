// Package features is the one list of what exigo supports: it feeds the
// "Support for:" line of -bV and the _HAVE_* configuration macros.
package features

// Feature is one optional capability named in the spec or the manual.
type Feature struct {
	Support string // word in the "Support for:" line of -bV
	Macro   string // _HAVE_* macro defined when present ("" for none)
	// Ready is false while the feature's options parse but its behaviour
	// is still being built; -bV lists those separately so that no one is
	// misled.
	Ready bool
}

// All lists the features in the order -bV prints them.
var All = []Feature{
	{"crypteq", "_HAVE_CRYPTEQ", true},
	{"IPv6", "_HAVE_IPV6", true},
	{"DNSSEC", "_HAVE_DNSSEC", true},
	{"TLS", "_HAVE_TLS", false},
	{"TLS_resume", "_HAVE_TLS_RESUME", false},
	{"DANE", "_HAVE_DANE", false},
	{"DKIM", "_HAVE_DKIM", false},
	{"SPF", "_HAVE_SPF", false},
	{"SRS", "_HAVE_SRS", false},
	{"SRS_native", "_HAVE_NATIVE_SRS", false},
	{"DMARC", "_HAVE_DMARC", false},
	{"Experimental_ARC", "_HAVE_ARC", false},
	{"Experimental_BMI", "_HAVE_BMI", false},
	{"Experimental_DCC", "_HAVE_DCC", false},
	{"Experimental_DSN_info", "_HAVE_DSN_INFO", false},
	{"Experimental_LMDB", "_HAVE_LMDB", true},
	{"Experimental_QUEUEFILE", "_HAVE_QUEUEFILE", false},
	{"Dovecot_inet", "", false},
	{"protocol_detail", "", false},
}

// resumeDecode is the list Exim 4.96 gives for ${listextract} over the
// bits of $tls_in_resumption / $tls_out_resumption (index = value + 1).
const resumeDecode = "not requested or offered : 0x02 :client requested, no server ticket: 0x04 : 0x05 : 0x06 :client offered session, no server action: 0x08 :no client request: 0x0A :client requested new ticket, server provided: 0x0C :client offered session, not used: 0x0E :client offered session, server only provided new ticket: 0x10 :session resumed unasked: 0x12 :session resumed unasked: 0x14 : 0x15 : 0x16 :session resumed: 0x18 :session resumed unasked: 0x1A :session resumed unasked: 0x1C :session resumed: 0x1E :session resumed, also new ticket"

// Macros returns the built-in feature macros, including _RESUME_DECODE.
func Macros() map[string]string {
	m := map[string]string{"_RESUME_DECODE": resumeDecode}
	for _, f := range All {
		if f.Macro != "" {
			m[f.Macro] = "y"
		}
	}
	return m
}
