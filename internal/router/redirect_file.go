package router

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/lists"
	"exigo/internal/syserr"
)

const maxFilterSize = 1024 * 1024

// readRedirectFile is rda_get_file_contents: the file must be a regular
// file without modemask bits, owned as check_owner/owners and
// check_group/owngroups say. A missing file (in an existing directory)
// is ffNonexist: the router declines.
func (e *Env) readRedirectFile(r *conf.Driver, name string) (string, forwardResult, string) {
	f, err := os.Open(name)
	if err != nil {
		rc, msg := e.openFailure(r, name, err)
		return "", rc, msg
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", ffError, fmt.Sprintf("failed to stat %s: %s", name, syserr.Of(err))
	}
	if !fi.Mode().IsRegular() {
		return "", ffError, name + " is not a regular file"
	}
	st, _ := fi.Sys().(*syscall.Stat_t)
	if st != nil {
		if bad := int64(st.Mode) & r.Int("modemask"); bad != 0 {
			return "", ffError, fmt.Sprintf("bad mode (0%o) for %s: 0%o bit(s) unexpected", st.Mode, name, bad)
		}
		if msg := e.checkFileOwner(r, name, int(st.Uid), int(st.Gid)); msg != "" {
			return "", ffError, msg
		}
	}
	if fi.Size() > maxFilterSize {
		return "", ffError, fmt.Sprintf("%s is too big (max %d)", name, maxFilterSize)
	}
	data, err := io.ReadAll(f) // the file checked above, not a second open
	if err != nil {
		return "", ffError, fmt.Sprintf("error while reading %s: %s", name, syserr.Of(err))
	}
	return string(data), ffDelivered, ""
}

// openFailure sorts out why a redirection file did not open.
func (e *Env) openFailure(r *conf.Driver, name string, err error) (forwardResult, string) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if r.Bool("ignore_enotdir") {
			return ffNonexist, ""
		}
		return fileExists(name)
	case errors.Is(err, syscall.ENOTDIR) && r.Bool("ignore_enotdir"):
		return ffNonexist, ""
	case errors.Is(err, fs.ErrPermission) && r.Bool("ignore_eacces"):
		return ffNonexist, ""
	}
	return ffError, openFailed(err, name)
}

// fileExists is rda_exists for a file that did not open: its directory
// must be there for the file to count as not existing.
func fileExists(name string) (forwardResult, string) {
	dir := filepath.Dir(name) + "/."
	if strings.HasSuffix(name, "/") {
		dir = name + "."
	}
	_, err := os.Stat(dir)
	if err != nil && errors.Is(err, fs.ErrPermission) {
		dir = strings.TrimSuffix(dir, "/.")
		_, err = os.Stat(dir)
	}
	if err != nil {
		return ffError, fmt.Sprintf("failed to stat %s (%s)", dir, syserr.Of(err))
	}
	return ffNonexist, ""
}

// checkFileOwner applies check_owner/owners and check_group/owngroups.
func (e *Env) checkFileOwner(r *conf.Driver, name string, uid, gid int) string {
	u := e.rs.user
	checkOwner := r.Bool("check_owner")
	if !r.IsSet("check_owner") {
		checkOwner = r.Bool("check_local_user") || r.IsSet("owners")
	}
	checkGroup := r.Bool("check_group")
	if !r.IsSet("check_group") {
		checkGroup = r.Bool("check_local_user") && r.Int("modemask")&020 == 0 || r.IsSet("owngroups")
	}
	uidOK := !checkOwner || u != nil && uid == u.UID || e.idInList(r.String("owners"), uid, false)
	gidOK := !checkGroup || u != nil && gid == u.GID || e.idInList(r.String("owngroups"), gid, true)
	switch {
	case !uidOK:
		return "bad owner for " + name
	case !gidOK:
		return "bad group for " + name
	}
	return ""
}

// idInList looks id up in a uid or gid list (names or numbers).
func (e *Env) idInList(list string, id int, group bool) bool {
	for _, it := range lists.Split(list) {
		if group {
			if g, ok := e.findGroup(it); ok && g == id {
				return true
			}
		} else if _, u, ok := e.findUser(it, true); ok && u == id {
			return true
		}
	}
	return false
}

// generatedAddresses is add_generated: the new addresses get a as their
// parent, the router's propagated data, and for pipes and files their
// transport, user, group and directories. check_ancestor replaces a
// generated address that is an ancestor's with a's address.
func (e *Env) generatedAddresses(r *conf.Driver, a *item.Address, gen []generated, g ugid) []*item.Address {
	kids := make([]*item.Address, 0, len(gen))
	for _, it := range gen {
		addr := it.address
		if r.Bool("check_ancestor") && isAncestor(e.Config, a, addr) {
			addr = a.Address // Exim swaps only the address
		}
		c := a.Child(addr)
		c.StartRouter = r.String("redirect_router")
		c.IgnoreError = a.IgnoreError
		c.AddressData, c.ErrorsTo = a.AddressData, a.ErrorsTo
		c.HeadersAdd, c.HeadersRemove = a.HeadersAdd, a.HeadersRemove
		if it.pipe || it.file {
			e.setPipeFile(r, a, c, it, g)
		}
		kids = append(kids, c)
	}
	return kids
}

// isAncestor: is addr the address of a or of one of its ancestors
// (caselessly unless that ancestor's router was caseful)?
func isAncestor(cfg *conf.Config, a *item.Address, addr string) bool {
	for p := a; p != nil; p = p.Parent {
		caseful := false
		if rr := cfg.Router(p.Router); rr != nil {
			caseful = rr.Bool("caseful_local_part")
		}
		if caseful && p.Address == addr || !caseful && strings.EqualFold(p.Address, addr) {
			return true
		}
	}
	return false
}

// setPipeFile routes a generated pipe or file: this router handles it,
// with the uid/gid the redirection ran as and its transport.
func (e *Env) setPipeFile(r *conf.Driver, a, c *item.Address, it generated, g ugid) {
	c.Router = r.Name
	if g.uidSet {
		c.UID = g.uid
	}
	if g.gidSet {
		c.GID = g.gid
	}
	c.InitGroups = g.initgroups
	switch {
	case r.IsSet("transport_home_directory"):
		c.Home = r.String("transport_home_directory")
	case r.Bool("check_local_user") && e.rs.user != nil:
		c.Home = e.rs.user.Home
	case r.IsSet("router_home_directory") && e.rs.homeExpanded:
		c.Home = e.rs.home
	}
	c.CurrentDir = r.String("transport_current_directory")
	opt, forbid := "file_transport", r.Bool("forbid_file")
	if it.pipe {
		c.Pipe = it.address
		opt, forbid = "pipe_transport", r.Bool("forbid_pipe")
	} else {
		c.File = it.address
		if strings.HasSuffix(it.address, "/") {
			opt = "directory_transport"
		}
	}
	c.Forbidden = forbid || r.Bool("one_time")
	vars := e.rs.vars
	if it.pipe {
		vars.set("address_pipe", it.address, true)
	} else {
		vars.set("address_file", it.address, true)
	}
	t, ok := e.transportFor(r.String(opt), c, r, opt)
	vars.set("address_pipe", "", false)
	vars.set("address_file", "", false)
	if !ok {
		c.BasicErrno = item.ErrnoBadTransport
		return
	}
	c.Transport = t.Name
}
