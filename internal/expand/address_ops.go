package expand

import "exigo/internal/address"

// The address operators are Exim's parse_extract_address, from package
// address. A string that is not an address gives an empty result, not
// an error.
func init() {
	for name, fn := range map[string]opFunc{
		"address": opAddress, "domain": opAddress, "local_part": opAddress, "addresses": opAddresses,
		"quote_local_part": opQuoteLocalPart,
	} {
		builtinOps[name] = fn
	}
}

func opAddress(_ *expander, name, _ string, sub arg) (string, bool, error) {
	p, err := address.Extract(sub.s)
	if err != nil {
		return "", false, nil
	}
	switch {
	case name == "domain":
		return p.Domain, sub.t, nil
	case name == "local_part" && p.Domain != "":
		return p.LocalPart, sub.t, nil
	}
	return p.Address, sub.t, nil
}

func opQuoteLocalPart(_ *expander, _, _ string, sub arg) (string, bool, error) {
	return address.QuoteLocalPart(sub.s), sub.t, nil
}

func opAddresses(_ *expander, _, _ string, sub arg) (string, bool, error) {
	v, err := address.AddressList(sub.s)
	return v, sub.t, err
}
