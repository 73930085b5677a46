package bounce

import (
	"exigo/internal/conf"
	"exigo/internal/transport"
)

// sizeLimit is bounce_return_size_limit, or return_size_limit, its old
// name, when only that is set.
func sizeLimit(cfg *conf.Config) int64 {
	if cfg.IsSet("return_size_limit") && !cfg.IsSet("bounce_return_size_limit") {
		return cfg.Int("return_size_limit")
	}
	return cfg.Int("bounce_return_size_limit")
}

// dsnLimitHeader is added to a returned message cut down to its headers.
const dsnLimitHeader = "X-Exim-DSN-Information: Due to administrative limits only headers are returned"

// deliverBufferSize is Exim's DELIVER_IN_BUFFER_SIZE: the size limit is
// applied in whole buffers.
const deliverBufferSize = 8192

// returnedMessage writes the last part of a bounce: the original
// message, or its headers when RET=HDRS asked for them, when
// bounce_return_body is off, or when the message is too big or has too
// long lines (then with a header saying so).
func (bd *builder) returnedMessage(bound string) error {
	bd.printf("--%s\n", bound)
	noBody, notify := bd.returnHeadersOnly()
	ctype := "message/rfc822"
	switch {
	case noBody && bd.h.SMTPUTF8:
		ctype = "message/global-headers"
	case noBody:
		ctype = "text/rfc822-headers"
	case bd.h.SMTPUTF8:
		ctype = "message/global"
	}
	bd.printf("Content-type: %s\n\n", ctype)
	o := &transport.WriteOptions{Ctx: bd.ctx, ReturnPath: bd.h.Sender, AddReturnPath: true, NoBody: noBody}
	if notify {
		o.HeadersAdd = dsnLimitHeader
	}
	if _, err := transport.WriteMessage(&bd.b, bd.msg, o); err != nil {
		return err
	}
	bd.printf("\n--%s--\n", bound)
	return nil
}

// DSN RET= values as the spool keeps them.
const (
	retFull = 1
	retHdrs = 2
)

func (bd *builder) returnHeadersOnly() (noBody, notify bool) {
	if bd.h.DSNRet == retHdrs {
		return true, false
	}
	if !bd.cfg.Bool("bounce_return_body") {
		return true, bd.h.DSNRet == retFull
	}
	limit := sizeLimit(bd.cfg)
	max := (limit/deliverBufferSize + 1) * deliverBufferSize
	dataFile := int64(len(bd.h.ID)+3) + bd.h.BodySize // the -D file, with its id line
	if int64(bd.h.MaxReceivedLinelength) > bd.cfg.Int("bounce_return_linesize_limit") || limit > 0 && dataFile > max {
		return true, true
	}
	return false, false
}
