package deliver

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"

	"exigo/internal/item"
	"exigo/internal/router"
	"exigo/internal/transport"
)

// RunAsFunc runs a local transport for addrs in a child process with
// the given credentials, copying the results back into addrs.
type RunAsFunc func(uid, gid int, initGroups bool, transportName string, msg *transport.Message, addrs []*item.Address) error

// credentials decides who a local delivery runs as: the transport's
// user/group, else what the router set (user, check_local_user). It
// refuses root (Exim's fixed_never_users) and never_users.
func (r *attempt) credentials(a *item.Address) (uid, gid int, set bool, err error) {
	uid, gid = a.UID, a.GID
	if tc := r.d.Config.Transport(a.Transport); tc != nil {
		if tc.IsSet("user") {
			u, err := r.lookupUser(tc.String("user"), a)
			if err != nil {
				return 0, 0, false, err
			}
			uid = u.uid
			if gid < 0 || !tc.IsSet("group") {
				gid = u.gid
			}
		}
		if tc.IsSet("group") {
			g, err := lookupGroup(tc.String("group"))
			if err != nil {
				return 0, 0, false, err
			}
			gid = g
		}
	}
	if uid < 0 {
		return 0, 0, false, nil
	}
	if gid < 0 {
		if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
			gid, _ = strconv.Atoi(u.Gid)
		}
	}
	if uid == 0 {
		return 0, 0, true, fmt.Errorf("User 0 set for %s transport is on the fixed_never_users list", a.Transport)
	}
	for _, n := range strings.Split(r.d.Config.String("never_users"), ":") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if id, err := userID(n); err == nil && id == uid {
			return 0, 0, true, fmt.Errorf("User %d set for %s transport is on the never_users list", uid, a.Transport)
		}
	}
	return uid, gid, true, nil
}

type userIDs struct{ uid, gid int }

func (r *attempt) lookupUser(raw string, a *item.Address) (userIDs, error) {
	name := raw
	if strings.Contains(raw, "$") {
		v, err := r.d.addressContext(r.h, a).Expand(raw)
		if err != nil {
			return userIDs{}, fmt.Errorf("failed to expand \"%s\" as user for %s transport: %v", raw, a.Transport, err)
		}
		name = v
	}
	u, found := router.SystemUsers().User(name)
	if !found {
		if id, err2 := strconv.Atoi(name); err2 == nil {
			return userIDs{id, -1}, nil
		}
		return userIDs{}, fmt.Errorf("user %s was not found for %s transport", name, a.Transport)
	}
	return userIDs{u.UID, u.GID}, nil
}

func lookupGroup(name string) (int, error) {
	if gid, ok := router.SystemUsers().Group(name); ok {
		return gid, nil
	}
	if id, err := strconv.Atoi(name); err == nil {
		return id, nil
	}
	return 0, fmt.Errorf("group %s was not found", name)
}

func userID(name string) (int, error) {
	if id, err := strconv.Atoi(name); err == nil {
		return id, nil
	}
	if u, ok := router.SystemUsers().User(name); ok {
		return u.UID, nil
	}
	return 0, fmt.Errorf("user %s not found", name)
}

// deliverLocal runs a local transport for one address as the right user:
// in this process when exigo is not root (it then delivers as itself),
// in a child process with the user's credentials when it is. Either way
// the new directory entry it made is synced here (dirsync.go).
func (r *attempt) deliverLocal(t transport.Transport, env *transport.Env, a *item.Address) {
	defer syncDir(a)
	if os.Getuid() != 0 {
		f, ok := r.openReturnFile(a)
		if !ok {
			return
		}
		env.ReturnFile, env.DeferDirSync = f, true
		t.Deliver(env, r.msg, []*item.Address{a})
		env.ReturnFile, env.DeferDirSync = nil, false
		r.takeOutput(a, f)
		return
	}
	uid, gid, set, err := r.credentials(a)
	if err == nil && !set {
		router := a.Router
		err = fmt.Errorf("Neither the %s router nor the %s transport set a uid for local delivery of %s", router, a.Transport, a.Address)
	}
	if err != nil {
		a.Result, a.Message, a.BasicErrno = item.Defer, err.Error(), item.ErrnoUIDFail
		r.d.Log.Main(r.id, err.Error())
		return
	}
	if r.d.RunAs == nil {
		a.Result, a.Message = item.Defer, "local deliveries as another user are not available"
		return
	}
	f, ok := r.openReturnFile(a)
	if !ok {
		return
	}
	// The worker process gets the return file with the -D file.
	if err := r.d.RunAs(uid, gid, a.InitGroups, a.Transport, r.msg, []*item.Address{a}); err != nil {
		a.Result, a.Message = item.Defer, "delivery process failed: "+err.Error()
	}
	r.takeOutput(a, f)
}
