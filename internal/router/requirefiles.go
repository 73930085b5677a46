package router

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"exigo/internal/conf"
	"exigo/internal/expand"
	"exigo/internal/item"
	"exigo/internal/lists"
	"exigo/internal/syserr"
)

// requireFiles is Exim's check_files for require_files: each item is
// expanded; "user[,group]" sets who later files must be readable by,
// "[+][!]/path" must exist (or, with "!", not exist); "+" treats
// permission denied as non-existence.
func (e *Env) requireFiles(r *conf.Driver) (item.Result, string) {
	if !r.IsSet("require_files") {
		return item.OK, ""
	}
	var who *fileUser
	for _, check := range lists.Split(r.String("require_files")) {
		s, err := e.Ctx.Expand(check)
		if err != nil {
			if expand.IsForcedFail(err) {
				continue
			}
			return item.Defer, fmt.Sprintf("failed to expand %q for require_files: %s", check, err)
		}
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			u, msg := e.requireFilesUser(s)
			if u == nil {
				return item.Defer, msg
			}
			who = u
			continue
		}
		rc, msg := checkRequiredFile(s, who)
		if rc != item.OK {
			return rc, msg
		}
	}
	return item.OK, ""
}

// fileUser is the uid/gid later require_files items are checked for.
type fileUser struct{ uid, gid int }

func (e *Env) requireFilesUser(s string) (*fileUser, string) {
	name, group, hasGroup := strings.Cut(s, ",")
	u, uid, ok := e.findUser(name, true)
	if !ok {
		return nil, fmt.Sprintf("user %q for require_files not found", s)
	}
	if !hasGroup {
		if u == nil {
			return nil, fmt.Sprintf("group missing after numerical uid %d for require_files", uid)
		}
		return &fileUser{uid, u.GID}, ""
	}
	gid, ok := e.findGroup(group)
	if !ok {
		return nil, fmt.Sprintf("group %q for require_files not found\n", group)
	}
	return &fileUser{uid, gid}, ""
}

// checkRequiredFile tests one "[+][!]/path" item: OK if the file is as
// required, skip if not, Defer when its existence cannot be told.
func checkRequiredFile(s string, who *fileUser) (item.Result, string) {
	eaccesAbsent, invert := false, false
	if strings.HasPrefix(s, "+") {
		eaccesAbsent = true
		s = strings.TrimLeft(s[1:], " \t\n")
	}
	if strings.HasPrefix(s, "!") {
		invert = true
		s = strings.TrimLeft(s[1:], " \t\n")
	}
	if !strings.HasPrefix(s, "/") {
		return item.Defer, fmt.Sprintf("require_files: %q is not absolute", s)
	}
	_, err := os.Stat(s)
	if err == nil && who != nil && !canRead(s, who) {
		err = fs.ErrPermission
	}
	exists := err == nil
	if err != nil {
		if errors.Is(err, fs.ErrPermission) && eaccesAbsent {
			err = fs.ErrNotExist
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return item.Defer, fmt.Sprintf("require_files: error for %s: %s", s, syserr.Of(err))
		}
	}
	if exists == invert {
		return skip, ""
	}
	return item.OK, ""
}

// canRead is route_check_access: every directory on the (resolved) path
// searchable and the file readable by the user, judged from the modes.
func canRead(path string, who *fileUser) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	parts := strings.Split(real, "/")
	for i := 2; i <= len(parts); i++ {
		p := strings.Join(parts[:i], "/")
		bits := uint32(1) // search permission on directories
		if i == len(parts) {
			bits = 4 // read permission on the file
		}
		if !modeAllows(p, who, bits) {
			return false
		}
	}
	return true
}

func modeAllows(path string, who *fileUser, bits uint32) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	switch {
	case int(st.Uid) == who.uid:
		bits <<= 6
	case int(st.Gid) == who.gid:
		bits <<= 3
	}
	return st.Mode&bits == bits
}
