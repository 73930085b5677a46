package router

import (
	"testing"

	"exigo/internal/item"
)

func BenchmarkRouteAccept(b *testing.B) {
	env := testEnv(b, "begin routers\nr:\n  driver = accept\n  domains = test.ex : other.test\n  local_parts = ^[a-z]+$\n  transport = t\n"+transports, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Route(env, item.New("someone@test.ex"))
	}
}

func BenchmarkRouteRedirect(b *testing.B) {
	env := testEnv(b, "begin routers\nr:\n  driver = redirect\n  data = a@test.ex, b@test.ex, |/bin/cat\n  pipe_transport = t\n"+transports, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Route(env, item.New("list@test.ex"))
	}
}

func BenchmarkRouteDNSLookup(b *testing.B) {
	env := testEnv(b, "begin routers\nr:\n  driver = dnslookup\n  transport = smtp\n"+transports, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Route(env, item.New("x@mxdom.test.ex"))
	}
}
