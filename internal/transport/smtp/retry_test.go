package smtp

import (
	"testing"
	"time"

	"exigo/internal/hints"
	"exigo/internal/item"
	"exigo/internal/retry"
)

// checker gives the client a retry database holding rec under key.
func (c *client) checker(t *testing.T, key string, rec *retry.Record) *retry.Checker {
	t.Helper()
	db, err := hints.Open(c.dir, "retry")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if rec != nil {
		if err := db.Put(key, rec.Encode()); err != nil {
			t.Fatal(err)
		}
	}
	rules, err := retry.New(c.cfg, c.ctx.Lists, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &retry.Checker{Rules: rules, DB: db, Now: time.Now(), Received: time.Now(),
		MessageID: "1xXtVL-0004ee-0v", QueueRun: true}
}

func TestRetryTimeNotReached(t *testing.T) {
	c := newClient(t, "", "begin retry\n* * F,1h,10m\n")
	hosts := []item.Host{{Name: "MX.example", Address: "127.0.0.1", Port: int(freePort(t)), MX: 10}}
	key := "T:mx.example:127.0.0.1:" + itoa(hosts[0].Port)
	now := time.Now()
	rec := &retry.Record{Stamp: now, FirstFailed: now.Add(-time.Minute), LastTry: now.Add(-time.Minute),
		NextTry: now.Add(10 * time.Minute), BasicErrno: 111, MoreErrno: 'M', Text: "Connection refused"}
	env := c.env()
	env.Retry = c.checker(t, key, rec)
	msg := newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage)
	a := item.New("a@x.test")
	a.Hosts = hosts
	c.tr.Deliver(env, msg, []*item.Address{a})
	// As Debian's Exim logs it: "defer (-54): retry time not reached for any host for 'x.test'".
	if a.Result != item.Defer || a.BasicErrno != item.ErrnoHRetry || a.Message != "retry time not reached for any host for 'x.test'" ||
		!a.RetrySkipped {
		t.Errorf("%v %d %q skipped %v", a.Result, a.BasicErrno, a.Message, a.RetrySkipped)
	}
	// Once the retry time has come, the host is tried (and fails again).
	rec.NextTry = now.Add(-time.Second)
	env.Retry = c.checker(t, key, rec)
	a = item.New("a@x.test")
	a.Hosts = hosts
	c.tr.Deliver(env, msg, []*item.Address{a})
	if a.BasicErrno != 111 || !hasRetry(a, key, item.RetryHost) || a.MoreErrno != 'M' {
		t.Errorf("%d %q %+v", a.BasicErrno, a.Message, a.Retries)
	}
}

func TestAllHostsExpired(t *testing.T) {
	c := newClient(t, "", "begin retry\n* * F,1h,10m\n")
	hosts := []item.Host{{Name: "mx.example", Address: "127.0.0.1", Port: int(freePort(t)), MX: 10}}
	key := "T:mx.example:127.0.0.1:" + itoa(hosts[0].Port)
	now := time.Now()
	rec := &retry.Record{Stamp: now, FirstFailed: now.Add(-2 * time.Hour), LastTry: now.Add(-time.Minute),
		NextTry: now.Add(10 * time.Minute), Expired: true, BasicErrno: 111}
	env := c.env()
	env.Retry = c.checker(t, key, rec)
	a := item.New("a@x.test")
	a.Hosts = hosts
	c.tr.Deliver(env, newMessage("1xXtVL-0004ee-0v", "s@client.test", testMessage), []*item.Address{a})
	if a.Result != item.Fail || a.BasicErrno != item.ErrnoHRetry ||
		a.Message != "all hosts for 'x.test' have been failing for a long time (and retry time not reached)" {
		t.Errorf("%v %d %q", a.Result, a.BasicErrno, a.Message)
	}
}
