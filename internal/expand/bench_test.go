package expand

import "testing"

func benchContext() *Context {
	return &Context{Vars: &mapVars{m: map[string]string{
		"domain": "example.com", "local_part": "john.doe", "primary_hostname": "mail.example.com",
		"sender_address": "alice@example.org",
	}}}
}

func BenchmarkRouterCondition(b *testing.B) {
	c := benchContext()
	const cond = `${if and{{eq{$domain}{example.com}}{match{$local_part}{\N^[a-z.]+$\N}}}{yes}{no}}`
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := c.Condition(cond); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkLiteralWithVars(b *testing.B) {
	c := benchContext()
	const s = "Received: from $sender_address by $primary_hostname for $local_part@$domain"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Expand(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookupAndOperators(b *testing.B) {
	c := benchContext()
	const s = "${lc:${extract{2}{@}{$sender_address}}}-${md5:$domain}-${substr_0_4:$local_part}"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Expand(s); err != nil {
			b.Fatal(err)
		}
	}
}
