package retry

import (
	"testing"

	"exigo/internal/item"
)

const findRules = `
alice@wonderland.fict.example quota_5d  F,7d,3h
wonderland.fict.example       quota_5d
wonderland.fict.example       *         F,1h,15m; G,2d,1h,2;
lookingglass.fict.example     *         F,24h,30m;
p.q.r.example    *      F,24h,30m;
a.b.c.example    *      F,4d,45m;
^\N.*@c\.d$\N  * F,1d,1m
*   rcpt_45x  senders=:  F,2h,1m
*   timeout_A  F,1h,1m
*                 refused_A   F,2h,20m;
*                 *           F,2h,15m; G,16h,1h,1.5; F,5d,8h
`

func TestFind(t *testing.T) {
	rs := rulesFor(t, findRules)
	for _, c := range []struct {
		q    Query
		want int // rule line index in findRules (0-based), -1 none
	}{
		{Query{Key: "alice@wonderland.fict.example", BasicErrno: item.ErrnoEximQuota, MoreErrno: 6 * 86400}, 0},
		{Query{Key: "alice@wonderland.fict.example", BasicErrno: item.ErrnoEximQuota, MoreErrno: 4 * 86400}, 2},
		{Query{Key: "bob@wonderland.fict.example", BasicErrno: item.ErrnoEximQuota, MoreErrno: 6 * 86400}, 1},
		{Query{Key: "wonderland.fict.example", BasicErrno: ENOSPC, MoreErrno: 9 * 86400}, 1},
		{Query{Key: "x.y.z.example", Alternate: "a.b.c.example", BasicErrno: ECONNREFUSED, MoreErrno: 'M'}, 5},
		{Query{Key: "p.q.r.example:10.0.0.1", Alternate: "a.b.c.example"}, 4},
		{Query{Key: "y@c.d"}, 6},
		{Query{Key: "c.d"}, 6},
		{Query{Key: "u@e.f", BasicErrno: item.ErrnoRcpt4xx, MoreErrno: More4xx(452)}, 7},
		{Query{Key: "u@e.f", BasicErrno: item.ErrnoRcpt4xx, MoreErrno: More4xx(452), Sender: "s@x"}, 10},
		{Query{Key: "u@e.f", BasicErrno: item.ErrnoRcpt4xx, MoreErrno: More4xx(452), NoSender: true}, 10},
		{Query{Key: "u@e.f", BasicErrno: item.ErrnoRcpt4xx, MoreErrno: More4xx(461)}, 10},
		{Query{Key: "h.x", BasicErrno: ETIMEDOUT, MoreErrno: item.RTEFConnectTimeout | 'A'}, 8},
		{Query{Key: "h.x", BasicErrno: ETIMEDOUT, MoreErrno: 'M'}, 10},
		{Query{Key: "h.x", BasicErrno: ECONNREFUSED, MoreErrno: 'A'}, 9},
		{Query{Key: "|/bin/prog:u@lookingglass.fict.example"}, 3},
	} {
		got := rs.Find(c.q)
		idx := -1
		for i := range rs.List {
			if got == &rs.List[i] {
				idx = i
			}
		}
		if idx != c.want {
			t.Errorf("Find(%+v) = rule %d, want %d", c.q, idx, c.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	rs := rulesFor(t, `
a.b  *  G,2h,5m,2; G,3h,5m,1.25; G,4h,1m,1.05; H,5h,1m,3; F,1w,1d
*   quota_90m  F,1h,6m
*   timeout_connect_A  F,1h,3m
*   refused_MX  F,1h,3m
*   rcpt_4xx  F,1h,3m
`)
	want := []string{
		"Retry rule: a.b  *  G,2h,5m,2.0; G,3h,5m,1.25; G,4h,1m,1.05; H,5h,1m; F,1w,1d; ",
		"Retry rule: *  quota_1h30m  F,1h,6m; ",
		"Retry rule: *  timeout_connect_A  F,1h,3m; ",
		"Retry rule: *  refused_MX  F,1h,3m; ",
		"Retry rule: *  *  F,1h,3m; ",
	}
	for i, w := range want {
		if got := rs.List[i].Describe(); got != w {
			t.Errorf("rule %d: %q, want %q", i, got, w)
		}
	}
}
