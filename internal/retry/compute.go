package retry

import (
	"time"

	"exigo/internal/conf"
)

// step is what one failure does to a record under a rule: the parameter
// set in force (nil when none applies) and whether the destination has
// timed out.
type step struct {
	param    *conf.RetryParam
	timedOut bool
}

// choose finds the parameter set for a destination failing for
// failing: the first whose cutoff is not passed; past them all, the last
// one, and the record is marked expired.
func choose(rule *Rule, rec *Record, failing time.Duration) step {
	for i := range rule.Params {
		if failing <= rule.Params[i].Cutoff {
			rec.Expired = false
			return step{param: &rule.Params[i]}
		}
	}
	rec.Expired = true
	return step{param: rule.Last(), timedOut: true}
}

// nextTry computes the next retry time from now; a nil param (no rule,
// or a message older than the last cutoff) gives now, so that the next
// message tries at once. Exim works in whole seconds.
func nextTry(p *conf.RetryParam, rec *Record, now time.Time, max time.Duration, random func(int) int) time.Time {
	next := now
	if p != nil {
		next = now.Add(gap(p, rec, now, random))
	}
	if next.Sub(now) > max {
		next = now.Add(max)
	}
	return next
}

func gap(p *conf.RetryParam, rec *Record, now time.Time, random func(int) int) time.Duration {
	p1 := int64(p.Interval / time.Second)
	if p.Algorithm == 'F' {
		return time.Duration(p1) * time.Second
	}
	predicted := rec.NextTry.Unix() - rec.LastTry.Unix()
	actual := now.Unix() - rec.LastTry.Unix()
	last := min(predicted, actual)
	next := last * p.Factor / 1000
	if p.Algorithm == 'G' {
		if last < p1 {
			return time.Duration(p1) * time.Second
		}
		return time.Duration(next) * time.Second
	}
	// H: at least the interval, then a random part of what G would add.
	g := p1
	if next > p1 {
		g += int64(random(int(next-p1)))/2 + (next-p1)/2
	}
	return time.Duration(g) * time.Second
}
