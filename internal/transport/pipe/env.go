package pipe

import (
	"syscall"

	"exigo/internal/item"
	"exigo/internal/lists"
)

// maxEnv is the size of Exim's environment array: room for 48 settings
// and the terminating null.
const maxEnv = 50

// environment is what Exim puts in the command's environment: the
// delivery's variables, then the expanded environment option's items.
// Unset values print as "NULL" where Exim uses %s and as "" where it uses
// %#s, as its string_sprintf does.
func (x *delivery) environment() ([]string, bool) {
	v := func(name string) (string, bool) {
		s, _, ok := x.dv.Ctx.Vars.Var(name)
		return s, ok
	}
	plain := func(name string) string {
		if s, ok := v(name); ok {
			return s
		}
		return "NULL"
	}
	hash := func(name string) string { s, _ := v(name); return s }
	local := plain("local_part")
	path, _ := x.dv.Ctx.Expand(x.o.path)
	sender, _ := v("sender_address")
	env := []string{
		"LOCAL_PART=" + local, "LOGNAME=" + local, "USER=" + local,
		"LOCAL_PART_PREFIX=" + hash("local_part_prefix"),
		"LOCAL_PART_SUFFIX=" + hash("local_part_suffix"),
		"DOMAIN=" + plain("domain"),
		"HOME=" + hash("home"),
		"MESSAGE_ID=" + x.msg.ID,
		"PATH=" + path,
		"RECIPIENT=" + hash("local_part_prefix") + hash("local_part") + hash("local_part_suffix") + "@" + hash("domain"),
		"QUALIFY_DOMAIN=" + x.qualifyDomain(),
		"SENDER=" + sender,
		"SHELL=/bin/sh",
	}
	if hosts := x.a.Hosts; len(hosts) > 0 {
		env = append(env, "HOST="+hosts[0].Name)
	}
	if tz := x.timezone(); tz != "" {
		env = append(env, "TZ="+tz)
	}
	if x.o.environment == "" {
		return env, true
	}
	list, err := x.dv.Ctx.Expand(x.o.environment)
	if err != nil {
		x.set(item.Defer, "failed to expand string \"%s\" for %s transport: %s", x.o.environment, x.t.d.Name, err)
		return nil, false
	}
	for _, s := range lists.Split(list) {
		if len(env) > maxEnv-2 {
			x.set(item.Defer, "too many environment settings for %s transport", x.t.d.Name)
			x.a.BasicErrno = int(syscall.E2BIG)
			return nil, false
		}
		env = append(env, s)
	}
	return env, true
}

func (x *delivery) qualifyDomain() string {
	if cfg := x.env.Config; cfg != nil {
		if v := cfg.String("qualify_domain"); v != "" {
			return v
		}
		return cfg.PrimaryHostname()
	}
	return ""
}

// timezone is TZ as Exim sets it: UTC with timestamps_utc, else the
// timezone option.
func (x *delivery) timezone() string {
	cfg := x.env.Config
	if cfg == nil {
		return ""
	}
	if v, ok := cfg.Get("timestamps_utc"); ok && v.Bool {
		return "UTC"
	}
	return cfg.String("timezone")
}
