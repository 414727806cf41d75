package auth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzCallback feeds the callback checks arbitrary paths, queries and Host
// values, as a request and as a pasted redirect URL. They must never panic,
// and must act only on a request at exactly the callback path, addressed to
// the loopback on the bound port, with exactly one state equal to this
// sign-in's.
func FuzzCallback(f *testing.F) {
	const port = 8400
	rules := newCallbackRules(CallbackCheck{State: "s1", Issuer: "https://op.example/oidc", RequireIssuer: true}, port)
	hosts := []string{"127.0.0.1:8400", "[::1]:8400", "localhost:8400"}
	for _, seed := range [][3]string{
		{"/callback", "state=s1&iss=https%3A%2F%2Fop.example%2Foidc&code=abc", "127.0.0.1:8400"},
		{"/callback", "state=s1&iss=https%3A%2F%2Fop.example%2Foidc&code=abc", "evil.example:8400"},
		{"/callback", "state=s1&state=s1&code=abc", "localhost:8400"},
		{"/favicon.ico", "", "127.0.0.1:8400"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, path, query, host string) {
		target := path + "?" + query
		if u, err := url.ParseRequestURI(target); err == nil {
			v := rules.judgeRequest(http.MethodGet, host, target, u)
			if v.status == 0 {
				mustBeThisSignIn(t, u.Path, u.RawPath, host, u.RawQuery, hosts)
			}
		}
		line := "http://" + host + target
		if v := rules.judgePaste(line); v.status == 0 {
			u, err := url.Parse(strings.TrimSpace(line))
			if err != nil {
				t.Fatalf("a paste that does not parse was acted on: %q", line)
			}
			mustBeThisSignIn(t, u.Path, u.RawPath, u.Host, u.RawQuery, hosts)
		}
	})
}

func mustBeThisSignIn(t *testing.T, path, rawPath, host, rawQuery string, hosts []string) {
	t.Helper()
	if path != CallbackPath || rawPath != "" {
		t.Fatalf("acted on path %q (raw %q)", path, rawPath)
	}
	if !slices.Contains(hosts, host) {
		t.Fatalf("acted on Host %q", host)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		t.Fatalf("acted on a malformed query %q: %v", rawQuery, err)
	}
	if len(q["state"]) != 1 || q.Get("state") != "s1" {
		t.Fatalf("acted on state %q", q["state"])
	}
	for _, k := range []string{"code", "iss", "error"} {
		if len(q[k]) > 1 {
			t.Fatalf("acted on a repeated %s: %q", k, rawQuery)
		}
	}
}

// BenchmarkCallbackChecks is what the listener spends on one request before
// it answers (a real redirect, with state and iss).
func BenchmarkCallbackChecks(b *testing.B) {
	rules := newCallbackRules(CallbackCheck{State: "s1", Issuer: "https://op.example/oidc", RequireIssuer: true}, 8400)
	target := "/callback?state=s1&iss=https%3A%2F%2Fop.example%2Foidc&code=" + strings.Repeat("c", 43)
	u, err := url.ParseRequestURI(target)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if v := rules.judgeRequest(http.MethodGet, "127.0.0.1:8400", target, u); v.status != 0 || v.code == "" {
			b.Fatalf("refused: %+v", v)
		}
	}
}
