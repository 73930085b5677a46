package acl

import (
	"errors"
	"os"
	"strconv"
	"time"

	"exigo/internal/hints"
	"exigo/internal/lists"
	"exigo/internal/ratelimit"
)

// The ratelimit condition (manual "Rate limiting incoming messages"):
// package ratelimit does the work against the spool's ratelimit hints
// database; this file feeds it the session and sets $sender_rate,
// $sender_rate_limit and $sender_rate_period.

func init() { conditions["ratelimit"] = condRatelimit }

// ratelimitNow is the clock rates are computed with; tests replace it.
var ratelimitNow = time.Now

func condRatelimit(c *Call) Result {
	in := ratelimitInput(c)
	spec, err := ratelimit.Parse(c.Arg, &in)
	if err != nil {
		setRateTexts(c)
		return ratelimitFailure(c, err)
	}
	db := ratelimitDB(c)
	rates := &c.Env().State.rates
	rates.Debug = func(line string) { c.Debugf("%s", line) }
	over, v, err := rates.Check(db, spec, ratelimitNow())
	c.SetVar("sender_rate", v.Rate)
	c.SetVar("sender_rate_limit", v.Limit)
	c.SetVar("sender_rate_period", v.Period)
	if err != nil {
		return ratelimitFailure(c, err)
	}
	if over {
		return OK
	}
	return Fail
}

// ratelimitInput is what the condition reads from the session.
func ratelimitInput(c *Call) ratelimit.Input {
	size, err := strconv.ParseInt(c.Var("message_size"), 10, 64)
	if err != nil {
		size = -1 // no SIZE yet: per_byte counts nothing
	}
	rcpts, _ := strconv.Atoi(c.Var("recipients_count"))
	return ratelimit.Input{
		Where:       int(c.Where()),
		WhereName:   c.Where().Name(),
		HostAddress: c.Var("sender_host_address"),
		Recipients:  rcpts,
		MessageSize: size,
		LocalPart:   c.Var("local_part"),
		Domain:      c.Var("domain"),
	}
}

// setRateTexts does what Exim has done by the time it finds an argument
// error: $sender_rate_limit and $sender_rate_period hold the first two
// items.
func setRateTexts(c *Call) {
	it := lists.NewIterSep(c.Arg, '/')
	limit, _ := it.Next()
	period, _ := it.Next()
	c.SetVar("sender_rate_limit", limit)
	c.SetVar("sender_rate_period", period)
}

// ratelimitFailure turns the package's error into the condition's result:
// DEFER when the database is unusable, ERROR for bad arguments.
func ratelimitFailure(c *Call, err error) Result {
	var rerr *ratelimit.Error
	if errors.As(err, &rerr) {
		c.SetLogMsg(rerr.Msg)
		if rerr.Defer {
			return Defer
		}
		return Error
	}
	c.SetLogMsg(err.Error())
	return Error
}

// ratelimitDB is the session's handle on the ratelimit hints database,
// opened at the first check that needs it and kept until State.Close
// (opening costs milliseconds). A failure is logged as Exim's dbfn_open
// does and tried again next time; nil means it is not available. A rate
// found in the session's caches needs no database: it can only have been
// put there after the database was opened.
func ratelimitDB(c *Call) *hints.DB {
	env, st := c.Env(), c.Env().State
	if st.rateDB != nil || env.Hints == nil {
		return st.rateDB
	}
	db, err := env.Hints("ratelimit")
	if err != nil {
		if env.Log != nil {
			env.Log.Main(openFailedText(err))
		}
		return nil
	}
	st.rateDB = db
	return db
}

// Close releases what the session state holds open (the ratelimit
// database). The session calls it when the connection ends.
func (s *State) Close() error {
	if s.rateDB == nil {
		return nil
	}
	err := s.rateDB.Close()
	s.rateDB = nil
	return err
}

func openFailedText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return "failed to open DB file " + pe.Path + ": " + errnoText(pe)
	}
	return "failed to open DB file: " + err.Error()
}
