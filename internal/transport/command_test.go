package transport

import (
	"reflect"
	"testing"

	"exigo/internal/expand"
	"exigo/internal/item"
)

func TestSplitCommand(t *testing.T) {
	for in, want := range map[string][]string{
		`  /bin/x a  b `:           {"/bin/x", "a", "b"},
		`/bin/x 'a b' "c\"d\tx"`:   {"/bin/x", "a b", "c\"d\tx"},
		`/bin/x 'a\n' "\101\x41z"`: {"/bin/x", `a\n`, "AAz"},
		`/bin/x "a"b 'c'd`:         {"/bin/x", "a", "b", "c", "d"},
		`/bin/x a"b c"`:            {"/bin/x", `a"b`, `c"`},
		`/bin/x "unterminated`:     {"/bin/x", "unterminated"},
	} {
		got, rest := SplitCommand(in, 60)
		if !reflect.DeepEqual(got, want) || rest != "" {
			t.Errorf("%q: got %q rest %q", in, got, rest)
		}
	}
	if _, rest := SplitCommand("a b c", 2); rest != "c" {
		t.Errorf("rest %q", rest)
	}
}

type taintVars map[string]string

func (m taintVars) Var(name string) (string, bool, bool) {
	v, ok := m[name]
	return v, name == "local_part", ok
}

func TestSetUpCommand(t *testing.T) {
	ctx := &expand.Context{Vars: taintVars{"local_part": "jo", "x": "ex"}}
	addrs := []*item.Address{item.New("a@x"), item.New("b@x")}
	got, err := SetUpCommand(CommandSpec{Command: "/bin/x $x $pipe_addresses ${pipe_addresses}", Expand: true, Ctx: ctx, Addrs: addrs, What: "t transport"})
	if err != nil || !reflect.DeepEqual(got, []string{"/bin/x", "ex", "a@x", "b@x", "a@x", "b@x"}) {
		t.Errorf("got %q %v", got, err)
	}
	got, err = SetUpCommand(CommandSpec{Command: "/bin/x $address_pipe z", Expand: true, Ctx: ctx, AddressPipe: "/bin/y 'q r' $x", What: "t transport"})
	if err != nil || !reflect.DeepEqual(got, []string{"/bin/x", "/bin/y", "q r", "ex", "z"}) {
		t.Errorf("got %q %v", got, err)
	}
	if got, err = SetUpCommand(CommandSpec{Command: "/bin/x $x", Ctx: ctx}); err != nil || got[1] != "$x" {
		t.Errorf("unexpanded: %q %v", got, err)
	}
	for cmd, want := range map[string]string{
		"/bin/x $local_part": "Tainted arg 1 for t transport command: 'jo'",
		"/bin/x ${bad":       `Expansion of "${bad" from command "/bin/x ${bad" in t transport failed: "${bad" is not a known operator (or a } is missing in a variable reference)`,
	} {
		_, err := SetUpCommand(CommandSpec{Command: cmd, Expand: true, Ctx: ctx, What: "t transport"})
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v", cmd, err)
		}
	}
	long := "/bin/x"
	for i := 0; i < 61; i++ {
		long += " a"
	}
	if _, err := SetUpCommand(CommandSpec{Command: long, What: "t transport"}); err == nil {
		t.Error("62 arguments accepted")
	}
}
