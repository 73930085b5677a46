package transport

import (
	"fmt"
	"strings"
	"time"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/rewrite"
)

func init() {
	conf.MarkImplemented(conf.KindTransport, "", "body_only", "headers_only",
		"headers_add", "headers_remove", "return_path_add", "envelope_to_add",
		"delivery_date_add", "message_size_limit", "return_path", "rcpt_include_affixes",
		"transport_filter", "transport_filter_timeout", "headers_rewrite")
}

// GenericWriteOptions are the write options the generic transport
// options give (headers_add/remove/rewrite, *_add, body_only,
// headers_only).
func GenericWriteOptions(d *conf.Driver) WriteOptions {
	return WriteOptions{
		HeadersRewrite:  headersRewrite(d),
		HeadersAdd:      d.String("headers_add"),
		HeadersRemove:   d.String("headers_remove"),
		AddReturnPath:   d.Bool("return_path_add"),
		AddEnvelopeTo:   d.Bool("envelope_to_add"),
		AddDeliveryDate: d.Bool("delivery_date_add"),
		NoHeaders:       d.Bool("body_only"),
		NoBody:          d.Bool("headers_only"),
	}
}

// CheckGeneric rejects settings Exim refuses when it reads the
// configuration.
func CheckGeneric(d *conf.Driver) error {
	if d.Bool("body_only") && d.Bool("headers_only") {
		return fmt.Errorf("body_only and headers_only are mutually exclusive")
	}
	if d.IsSet("headers_rewrite") {
		if _, err := rewrite.ParseTransport(d.String("headers_rewrite")); err != nil {
			return err
		}
	}
	return nil
}

// Delivery is what a local transport works with for one batch: the
// expansion context with the batch's variables, $return_path and the
// write options the generic options give.
type Delivery struct {
	Ctx        *expand.Context
	Vars       map[string]Var // the overlay in Ctx; drivers may add to it
	ReturnPath string
	Write      WriteOptions
}

// Prepare sets up a local batch's delivery: the batch variables, the
// transport's return_path, the message_size_limit check and the
// transport_filter command. It returns nil after recording a failure on
// the addresses.
func Prepare(env *Env, d *conf.Driver, msg *Message, addrs []*item.Address) *Delivery {
	dv := PrepareRemote(env, d, msg, addrs)
	if dv == nil {
		return nil
	}
	f, err := SetUpFilter(d, dv.Ctx, addrs, "transport filter")
	if err != nil {
		filterSetupFailed(addrs, err)
		return nil
	}
	dv.Write.Filter = f
	return dv
}

// PrepareRemote is Prepare without the filter, which a remote transport
// sets up once it knows the host ($host, $host_address).
func PrepareRemote(env *Env, d *conf.Driver, msg *Message, addrs []*item.Address) *Delivery {
	vars := BatchVars(addrs)
	ctx := WithVars(env.Ctx, vars)
	rp := ""
	if msg.Header != nil {
		rp = msg.Header.Sender
	}
	if v, _, ok := ctx.Vars.Var("return_path"); ok {
		rp = v
	}
	if d.IsSet("return_path") {
		nrp, err := ctx.Expand(d.String("return_path"))
		if err == nil {
			rp = nrp
		} else if !expand.IsForcedFail(err) {
			SetAll(addrs, item.Defer, item.ErrnoExpandFail, fmt.Sprintf(
				"Failed to expand return path \"%s\" in %s transport: %s", d.String("return_path"), d.Name, err))
			return nil
		}
	}
	vars["return_path"] = Var{Value: rp}
	size := int64(0)
	if msg.Header != nil {
		size = msg.Header.Size()
	}
	if CheckSizeLimit(ctx, d, size, addrs[0]) != item.OK {
		Copy(addrs)
		return nil
	}
	w := GenericWriteOptions(d)
	w.Ctx, w.Addrs, w.ReturnPath = ctx, addrs, rp
	w.Now = now(env)
	return &Delivery{Ctx: ctx, Vars: vars, ReturnPath: rp, Write: w}
}

func now(env *Env) time.Time {
	if env != nil && env.Now != nil {
		return env.Now()
	}
	return time.Now()
}

// SetAll gives every address of a batch the same outcome.
func SetAll(addrs []*item.Address, r item.Result, errno int, msg string) {
	for _, a := range addrs {
		a.Result, a.BasicErrno, a.Message = r, errno, msg
	}
}

// Copy gives the other addresses of a batch the first one's outcome, as
// Exim does when a transport returns FALSE.
func Copy(addrs []*item.Address) {
	first := addrs[0]
	for _, a := range addrs[1:] {
		a.Result, a.Message, a.UserMessage = first.Result, first.Message, first.UserMessage
		a.BasicErrno, a.MoreErrno = first.BasicErrno, first.MoreErrno
		a.Freeze, a.Panic, a.QuotaWarn = first.Freeze, first.Panic, first.QuotaWarn
		a.PassMessage = first.PassMessage
	}
}

// RcptAddress is the address for an RCPT TO command (Exim's
// transport_rcpt_address): the local part's prefix and suffix are left
// out unless rcpt_include_affixes is set.
func RcptAddress(a *item.Address, includeAffixes bool) string {
	addr := a.Address
	if includeAffixes || (a.Prefix == "" && a.Suffix == "") {
		return addr
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		at = len(addr)
	}
	local := addr[:at]
	if strings.HasPrefix(local, a.Prefix) {
		local = local[len(a.Prefix):]
	}
	if strings.HasSuffix(local, a.Suffix) {
		local = local[:len(local)-len(a.Suffix)]
	}
	if at == len(addr) {
		return local
	}
	return local + addr[at:]
}
