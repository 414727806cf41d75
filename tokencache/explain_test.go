package tokencache

import (
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth"
)

func explainIndex(now time.Time) *Index {
	x := newIndex()
	add := func(profile, tenant, sub, account string, expiry time.Time, refreshable bool) *Entry {
		k := RecordKey(tenant, "cli", sub)
		e := &Entry{Key: k, Profile: profile, Tenant: tenant, ClientID: "cli", Subject: sub, Account: account, Store: "keyring", Refreshable: refreshable,
			Audiences: []AudienceEntry{{Key: string(k), Expiry: expiry}}}
		x.Records[k] = e
		return e
	}
	ada := add("acme", "https://acme.example/oidc", "u-ada", "Ada <ada@acme.example>", now.Add(time.Hour), true)
	add("acme", "https://acme.example/oidc", "u-bob", "Bob", now.Add(-time.Minute), true)
	stale := add("stale", "https://stale.example/oidc", "u-cy", "Cy", now.Add(-time.Minute), false)
	add("", "https://other.example/oidc", "u-dee", "Dee", now.Add(time.Hour), true)
	x.Profiles["acme"] = Profile{Current: ada.Key}
	x.Profiles["stale"] = Profile{Current: stale.Key}
	return x
}

func TestExplainSaysWhyALookupHitsOrMisses(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	x := explainIndex(now)
	tests := []struct {
		name string
		q    Query
		want string
		says string
	}{
		{"valid token", Query{Profile: "acme", Issuer: "https://acme.example/oidc/"}, Hit, "with no request"},
		{"expired, refreshable", Query{Profile: "acme", Issuer: "https://acme.example/oidc", Account: "Bob"}, MissExpired, "refreshes it"},
		{"expired, no refresh token", Query{Profile: "stale", Issuer: "https://stale.example/oidc"}, MissExpiredNoRT, "sign in again"},
		{"another audience", Query{Profile: "acme", Issuer: "https://acme.example/oidc", Audience: auth.Audience{Resource: "https://api"}}, MissOtherAudience, "asks the provider"},
		{"unknown account", Query{Profile: "acme", Issuer: "https://acme.example/oidc", Account: "zed"}, MissOtherAccount, "Ada"},
		{"client known at another tenant", Query{Profile: "new", Issuer: "https://new.example/oidc", ClientID: "cli"}, MissOtherTenant, "https://other.example/oidc"},
		{"nothing", Query{Profile: "new", Issuer: "https://new.example/oidc", ClientID: "other"}, MissNoRecord, "sign in"},
		{"alias", Query{Profile: "acme", Issuer: "https://login.example/common"}, Hit, "alias"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Now = now
			ex := x.Explain(tt.q)
			text := ex.Reason
			for _, f := range ex.Fields {
				text += " " + f.Source
			}
			if ex.Verdict != tt.want || ex.Hit != (tt.want == Hit) || !strings.Contains(text, tt.says) {
				t.Fatalf("verdict %q (%s), want %q saying %q", ex.Verdict, text, tt.want, tt.says)
			}
			if strings.Contains(text, "--") {
				t.Errorf("the explanation names a command-line flag: %s", text)
			}
		})
	}
}

func TestResolvePicksTheAccount(t *testing.T) {
	x := explainIndex(time.Now())
	for _, tt := range []struct{ profile, account, want string }{
		{"acme", "", "u-ada"}, {"acme", "u-bob", "u-bob"}, {"acme", "ada@acme", "u-ada"},
	} {
		e, err := x.Resolve(tt.profile, tt.account)
		if err != nil || e.Subject != tt.want {
			t.Errorf("Resolve(%q, %q) = %v, %v; want %s", tt.profile, tt.account, e, err, tt.want)
		}
	}
	if _, err := x.Resolve("acme", "zed"); !errorsIsSignIn(err) {
		t.Errorf("unknown account: %v", err)
	}
	if _, err := x.Resolve("nobody", ""); !errorsIsSignIn(err) {
		t.Errorf("unknown profile: %v", err)
	}
	if got := x.Sorted(); len(got) != 4 || got[0].Tenant > got[3].Tenant {
		t.Errorf("Sorted: %d entries, not by tenant", len(got))
	}
}
