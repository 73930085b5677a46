package address

// HeaderScan extracts the mailboxes of one header line in turn, carrying
// RFC 822 group syntax ("team: a, b;") from one to the next as Exim does
// while it rewrites a header (parse_allow_group set for the whole line).
type HeaderScan struct {
	opts Options
	g    groupState
}

// NewHeaderScan starts a scan of one header's address list.
func (o Options) NewHeaderScan() *HeaderScan {
	return &HeaderScan{opts: o, g: groupState{allow: true}}
}

// Next extracts the mailbox in item (the text up to the comma FindEnd
// found), returning the offsets of the operative address within item.
func (h *HeaderScan) Next(item string) (p Parsed, start, end int, err error) {
	return h.opts.extract(item, &h.g)
}
