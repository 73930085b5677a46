package retry

import (
	"testing"
	"time"
)

func TestCheckHost(t *testing.T) {
	rs := rulesFor(t, "* * F,1d,1h\n")
	db := openDB(t)
	const id = "1xXtXs-0006vK-1i"
	hk := HostKey("MX.D.EX", "10.0.0.1", 25, true)
	if hk != "T:mx.d.ex:10.0.0.1" || HostKey("h", "1.2.3.4", 2525, true) != "T:h:1.2.3.4:2525" || HostKey("h", "", 587, false) != "T:h:587" {
		t.Fatalf("keys: %s", hk)
	}
	c := &Checker{Rules: rs, DB: db, Now: t0, Received: t0.Add(-time.Hour), MessageID: id}
	if got := c.Host("d.ex", hk); got.Status != HostUsable || got.HostKey != "" {
		t.Errorf("no record: %+v", got)
	}
	db.Put(hk, (&Record{Stamp: t0, FirstFailed: t0, LastTry: t0.Add(-time.Minute), NextTry: t0.Add(time.Hour)}).Encode())
	if got := c.Host("d.ex", hk); got.Status != HostUnusable || !got.LastTry.Equal(t0.Add(-time.Minute)) {
		t.Errorf("not due: %+v", got)
	}
	c.Force = true
	if got := c.Host("d.ex", hk); got.Status != HostUsable || got.HostKey != hk {
		t.Errorf("forced: %+v", got)
	}
	c.Force = false
	// On the queue longer than the last cutoff: tried anyway.
	c.Received = t0.Add(-48 * time.Hour)
	if got := c.Host("d.ex", hk); got.Status != HostUsable {
		t.Errorf("old message: %+v", got)
	}
	// An expired host whose time has come is usable and says so.
	db.Put(hk, (&Record{Stamp: t0, NextTry: t0, Expired: true}).Encode())
	if got := c.Host("d.ex", hk); got.Status != HostUsable || !got.Expired {
		t.Errorf("expired due: %+v", got)
	}
	db.Put(hk, (&Record{Stamp: t0, NextTry: t0.Add(time.Hour), Expired: true}).Encode())
	if got := c.Host("d.ex", hk); got.Status != HostUnusableExpired {
		t.Errorf("expired not due: %+v", got)
	}
	// A message record not yet due makes the host unusable for it.
	db.Delete(hk)
	c.Received = t0
	db.Put(MessageKey(hk, id), (&Record{Stamp: t0, NextTry: t0.Add(time.Hour)}).Encode())
	if got := c.Host("d.ex", hk); got.Status != HostUnusable || got.MessageKey != hk+":"+id {
		t.Errorf("message record: %+v", got)
	}
}

func TestCheckRoutingAndLocal(t *testing.T) {
	rs := rulesFor(t, "* * F,1d,1h\n")
	db := openDB(t)
	c := &Checker{Rules: rs, DB: db, Now: t0, Received: t0, Sender: "s@x"}
	dk, ak := DomainKey("d.ex"), AddressKey("u", "d.ex")
	db.Put(dk, (&Record{Stamp: t0, NextTry: t0.Add(time.Hour), Text: "dns trouble"}).Encode())
	if d := c.Routing("d.ex", dk, ak); !d.Due {
		t.Errorf("not a queue run: routed anyway")
	}
	c.QueueRun = true
	if d := c.Routing("d.ex", dk, ak); d.Due || d.Text != "dns trouble" || d.Reason != NotReached {
		t.Errorf("queue run: %+v", d)
	}
	c.Continued = true
	if d := c.Routing("d.ex", dk, ak); d.Due || d.Reason != ReusingConn {
		t.Errorf("continued: %+v", d)
	}
	c.Continued = false
	db.Delete(dk)
	// An address record with the sender attached (smtp's RCPT 4xx).
	db.Put(SenderKey(ak, "s@x"), (&Record{Stamp: t0, NextTry: t0.Add(time.Hour), Text: "452 full"}).Encode())
	if d := c.Routing("d.ex", dk, ak); d.Due || d.Text != "452 full" {
		t.Errorf("sender key: %+v", d)
	}
	lk := LocalKey(ak)
	if lk != "T:u@d.ex" {
		t.Errorf("local key %s", lk)
	}
	db.Put(lk, (&Record{Stamp: t0, NextTry: t0.Add(time.Hour), Text: "quota"}).Encode())
	if d := c.Local("d.ex", lk); d.Due || d.Text != "quota" {
		t.Errorf("local: %+v", d)
	}
	c.Now = t0.Add(2 * time.Hour)
	if d := c.Local("d.ex", lk); !d.Due {
		t.Errorf("local due: %+v", d)
	}
}
