package router

import (
	"os/user"
	"strconv"
)

// User is the password entry of a local user.
type User struct {
	Name     string
	UID, GID int
	Home     string
	Gecos    string
}

// Users looks up local users and groups (getpwnam and getgrnam). Tests
// substitute their own.
type Users interface {
	User(name string) (*User, bool)
	Group(name string) (gid int, ok bool)
}

// systemUsers asks the operating system.
type systemUsers struct{}

func (systemUsers) User(name string) (*User, bool) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, false
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	return &User{Name: u.Username, UID: uid, GID: gid, Home: u.HomeDir, Gecos: u.Name}, true
}

func (systemUsers) Group(name string) (int, bool) {
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, false
	}
	gid, err := strconv.Atoi(g.Gid)
	return gid, err == nil
}

func (e *Env) users() Users {
	if e.Users != nil {
		return e.Users
	}
	return SystemUsers()
}

// isNumericID is Exim's test for a numeric uid or gid: an optional
// leading "-" or digit, then digits only.
func isNumericID(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// findUser is route_finduser: a login name, or (when numericOK) a
// numeric uid, which has no password entry.
func (e *Env) findUser(s string, numericOK bool) (u *User, uid int, ok bool) {
	if numericOK && isNumericID(s) {
		n, _ := strconv.Atoi(s)
		return nil, n, true
	}
	if max := e.Config.Int("max_username_length"); max > 0 && int64(len(s)) > max {
		return nil, 0, false
	}
	u, ok = e.users().User(s)
	if !ok {
		return nil, 0, false
	}
	return u, u.UID, true
}

// findGroup is route_findgroup: a group name or a numeric gid.
func (e *Env) findGroup(s string) (int, bool) {
	if isNumericID(s) {
		n, _ := strconv.Atoi(s)
		return n, true
	}
	return e.users().Group(s)
}
