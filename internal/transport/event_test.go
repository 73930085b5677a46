package transport

import (
	"testing"

	"exigo/internal/expand"
)

func TestEventsRaiseSetsVariables(t *testing.T) {
	e := &Events{}
	got := e.Raise(&expand.Context{}, "$event_name|$event_data|$event_defer_errno|$host", "t",
		Event{Name: "msg:host:defer", Data: "Connection refused", DeferErrno: 111},
		map[string]Var{"host": {Value: "mx.test"}})
	if want := "msg:host:defer|Connection refused|111|mx.test"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if out := e.Raise(&expand.Context{}, "", "t", Event{Name: "tcp:connect"}, nil); out != "" {
		t.Fatalf("no action gave %q", out)
	}
	if out := e.Raise(&expand.Context{}, "${if eq{1}{2}{x}fail}", "t", Event{Name: "x"}, nil); out != "" {
		t.Fatalf("forced failure gave %q", out)
	}
	var nilEvents *Events
	if nilEvents.Raise(nil, "x", "t", Event{}, nil) != "" {
		t.Fatal("nil raiser raised")
	}
}
