package smtpd

import (
	"strings"

	"exigo/internal/expand"
	"exigo/internal/lists"
)

type matchResult int

const (
	matchNo matchResult = iota
	matchYes
	matchDefer
)

// hostMatches checks the calling host against a host list option (unset
// means no match; a local caller matches only an empty item).
func (s *session) hostMatches(option string) matchResult {
	cfg := s.srv.Config
	if !cfg.IsSet(option) {
		if def := cfg.Def(option); def == nil || def.Unset {
			return matchNo
		}
	}
	list, err := s.ctx.Expand(cfg.String(option))
	if err != nil {
		if expand.IsForcedFail(err) {
			return matchNo
		}
		return matchDefer
	}
	return s.hostInList(list)
}

func (s *session) hostInList(list string) matchResult {
	if s.local {
		// No remote host: only "" and "*" (which matches any host or
		// none) can match; the first one that does decides.
		for _, item := range lists.Split(list) {
			neg := strings.HasPrefix(item, "!")
			if item = strings.TrimSpace(strings.TrimPrefix(item, "!")); item == "" || item == "*" {
				if neg {
					return matchNo
				}
				return matchYes
			}
		}
		return matchNo
	}
	host := lists.HostID{Addr: s.hostAddress(), Name: s.hostName}
	res, err := lists.MatchHost(s.ctx.Lists, list, host)
	if err != nil {
		return matchDefer
	}
	if res.Matched {
		return matchYes
	}
	return matchNo
}
