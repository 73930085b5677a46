package auth

import "testing"

func TestParseCommand(t *testing.T) {
	cases := []struct {
		arg, mech, data string
		ok              bool
	}{
		{"PLAIN", "PLAIN", "", true},
		{"PLAIN AHUAcA==", "PLAIN", "AHUAcA==", true},
		{"login \t =", "login", "=", true},
		{"CRAM-MD5", "CRAM-MD5", "", true},
		{"X_Y-1 a b", "X_Y-1", "a b", true},
		{"", "", "", true},
		{"PL@IN", "", "", false},
		{"PLAIN=", "", "", false},
	}
	for _, c := range cases {
		mech, data, ok := ParseCommand(c.arg)
		if mech != c.mech || data != c.data || ok != c.ok {
			t.Errorf("ParseCommand(%q) = %q, %q, %v", c.arg, mech, data, ok)
		}
	}
}

func TestAdvertised(t *testing.T) {
	x := &script{vars: mapVars{"tls_in_cipher": ""}}
	exp := func(s string) (string, error) { return x.Expand(s, nil) }
	cases := []struct {
		cond     Setting
		ok       bool
		panicLog string
	}{
		{Setting{}, true, ""},
		{Setting{Text: "", Set: true}, false, ""}, // set but empty: not advertised
		{Setting{Text: "${if eq{$tls_in_cipher}{}{}{*}}", Set: true}, false, ""},
		{Setting{Text: "${if eq{$tls_in_cipher}{}{yes}{no}}", Set: true}, true, ""},
		{Setting{Text: "${if eq{1}{2}{}fail}", Set: true}, false, ""},
		{Setting{Text: "${if >{a}{1}}", Set: true}, false,
			`failed to expand condition "${if >{a}{1}}" for p authenticator: integer expected but "a" found`},
	}
	for _, c := range cases {
		i := &Instance{Name: "p", AdvertiseCondition: c.cond}
		ok, panicLog := i.Advertised(exp)
		if ok != c.ok || panicLog != c.panicLog {
			t.Errorf("%+v: %v %q", c.cond, ok, panicLog)
		}
	}
}

func TestEHLOKeywordAndFind(t *testing.T) {
	srv := serverFunc(func(*Call, string) Result { return OK })
	plain := &Instance{Name: "plain", PublicName: "plain", Server: srv}
	login := &Instance{Name: "login", PublicName: "Login", Server: srv}
	client := &Instance{Name: "c", PublicName: "X"}
	all := []*Instance{plain, client, login}
	if got := EHLOKeyword([]*Instance{plain, login}); got != "AUTH PLAIN LOGIN" {
		t.Errorf("EHLO %q", got)
	}
	if got := EHLOKeyword(nil); got != "" {
		t.Errorf("EHLO %q", got)
	}
	onlyPlain := func(i *Instance) bool { return i == plain }
	if Find(all, "PLAIN", onlyPlain, false) != plain || Find(all, "login", onlyPlain, false) != nil ||
		Find(all, "login", onlyPlain, true) != login || Find(all, "X", onlyPlain, true) != nil {
		t.Error("Find")
	}
	// strcmpic folds ASCII only: the Kelvin sign is not a K.
	if equalFold("K", "\u212a") || !equalFold("cram-MD5", "CRAM-md5") {
		t.Error("equalFold")
	}
}

func TestVars(t *testing.T) {
	v := Vars(mapVars{"host": "h"}, []string{"a", "b", "c", "d", "e"})
	for name, want := range map[string]string{"auth1": "a", "auth4": "d", "host": "h"} {
		if got, _, ok := v.Var(name); !ok || got != want {
			t.Errorf("$%s = %q %v", name, got, ok)
		}
	}
	if _, _, ok := v.Var("auth5"); ok {
		t.Error("$auth5 exists")
	}
	if got, _, ok := Vars(nil, nil).Var("auth2"); !ok || got != "" {
		t.Errorf("unset $auth2 = %q %v", got, ok)
	}
}
