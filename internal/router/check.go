package router

import (
	"fmt"
	"strings"

	"exigo/internal/conf"
)

// ConfigError is a router configuration error Exim finds when it starts
// (and dies of). Error() is the text Exim logs after the time stamp.
type ConfigError struct {
	For bool // Exim's LOG_CONFIG_FOR form: "error for <router>:"
	Msg string
}

func (e *ConfigError) Error() string {
	if e.For {
		return "Exim configuration error for " + e.Msg
	}
	return "Exim configuration error:\n  " + e.Msg
}

// needsTransport and noTransport are Exim's ri_yestransport and
// ri_notransport driver flags.
var (
	needsTransport = map[string]bool{"accept": true, "dnslookup": true}
	noTransport    = map[string]bool{"redirect": true}
)

// Check makes the checks Exim makes on the routers when it reads the
// configuration (readconf_driver_init, then route_init): each driver's
// own checks, then transports required or forbidden, "self", and
// pass_router and redirect_router.
func Check(cfg *conf.Config) error {
	for _, r := range cfg.Routers {
		if _, err := driverFor(r); err != nil {
			return &ConfigError{For: true, Msg: err.Error()}
		}
	}
	for i, r := range cfg.Routers {
		if needsTransport[r.Driver] && !r.IsSet("transport") && !r.Bool("verify_only") {
			return &ConfigError{Msg: r.Name + " router:\n  a transport is required for this router"}
		}
		if noTransport[r.Driver] && r.IsSet("transport") {
			return &ConfigError{Msg: r.Name + " router:\n  a transport must not be defined for this router"}
		}
		if !validSelf(r.String("self")) {
			return &ConfigError{For: true, Msg: fmt.Sprintf("%s router:\n  %s is not valid for the self option", r.Name, r.String("self"))}
		}
		if err := checkNewRouter(cfg, i, r.String("redirect_router"), false); err != nil {
			return err
		}
		if err := checkNewRouter(cfg, i, r.String("pass_router"), true); err != nil {
			return err
		}
	}
	return nil
}

func validSelf(s string) bool {
	switch s {
	case "freeze", "defer", "send", "pass", "fail":
		return true
	}
	return strings.HasPrefix(s, "reroute:")
}

// checkNewRouter is Exim's set_router: the router must exist, and for
// pass_router come after the router at index i.
func checkNewRouter(cfg *conf.Config, i int, name string, after bool) error {
	if name == "" {
		return nil
	}
	r := cfg.Routers[i]
	for j, rr := range cfg.Routers {
		if rr.Name != name {
			continue
		}
		if after && j <= i {
			return &ConfigError{Msg: fmt.Sprintf("new_router %q does not follow %q router", name, r.Name)}
		}
		return nil
	}
	return &ConfigError{Msg: fmt.Sprintf("new_router %q not found for %q router", name, r.Name)}
}

// RetryUseLocalPart is retry_use_local_part as Exim settles it: when not
// set, it is true for a router that sets any option making its routing
// depend on more than the domain.
func RetryUseLocalPart(r *conf.Driver) bool {
	if r.IsSet("retry_use_local_part") {
		return r.Bool("retry_use_local_part")
	}
	for _, opt := range []string{"local_parts", "condition", "local_part_prefix",
		"local_part_suffix", "senders", "require_files"} {
		if r.IsSet(opt) {
			return true
		}
	}
	return r.Bool("check_local_user")
}
