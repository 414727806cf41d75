package tokencache

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
)

// Query is a lookup as latch token would make it.
type Query struct {
	Profile  string
	Issuer   string // the profile's issuer (may be a multi-tenant alias)
	ClientID string
	Account  string // empty: the profile's current account
	Audience auth.Audience
	Now      time.Time
	MinTTL   time.Duration
}

// Field is one part of a cache key and where its value came from.
type Field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Verdicts of Explain.
const (
	Hit               = "hit"
	MissNoRecord      = "no record"
	MissExpired       = "expired and refreshable"
	MissExpiredNoRT   = "expired, no refresh token"
	MissOtherAudience = "other audience"
	MissOtherTenant   = "other tenant"
	MissOtherAccount  = "other account"
)

// Explanation says which key a lookup uses, field by field, and whether it
// hits. Nothing in it is secret.
type Explanation struct {
	Key     string  `json:"key,omitempty"`
	Fields  []Field `json:"fields"`
	Hit     bool    `json:"hit"`
	Verdict string  `json:"verdict"`
	Reason  string  `json:"reason"`
}

// whyNoRecord says why a query finds no record: another account of the
// profile, the client's sessions at another tenant, or nothing at all.
func (x *Index) whyNoRecord(q Query) (verdict, reason string) {
	var sameProfile, sameClient []*Entry
	for _, o := range x.Sorted() {
		if o.Profile == q.Profile {
			sameProfile = append(sameProfile, o)
		} else if o.ClientID == q.ClientID && (q.Account == "" || o.Subject == q.Account || strings.Contains(o.Account, q.Account)) {
			sameClient = append(sameClient, o)
		}
	}
	switch {
	case q.Account != "" && len(sameProfile) > 0:
		return MissOtherAccount, fmt.Sprintf("%s is not signed in to %s; signed in: %s (ask for one of them, or sign in again choosing the account)", q.Account, q.Profile, accounts(sameProfile))
	case len(sameClient) > 0:
		return MissOtherTenant, fmt.Sprintf("client %s has sessions at %s, not at %s: tokens of one tenant are never used for another", q.ClientID, tenants(sameClient), q.Issuer)
	}
	return MissNoRecord, "nothing stored for " + q.Profile + ": sign in to it first"
}

// Explain answers what latch token would do with q, from the index alone.
func (x *Index) Explain(q Query) Explanation {
	ex := Explanation{}
	add := func(name, value, source string) { ex.Fields = append(ex.Fields, Field{name, value, source}) }
	miss := func(verdict, reason string) Explanation { ex.Verdict, ex.Reason = verdict, reason; return ex }
	issuer := q.Issuer

	e, err := x.Resolve(q.Profile, q.Account)
	if err != nil {
		add("tenant", issuer, "profile "+q.Profile+" (issuer)")
		add("client", q.ClientID, "profile "+q.Profile)
		add("account", q.Account, accountSource(q.Account))
		add("audience", audienceText(q.Audience), "the request")
		return miss(x.whyNoRecord(q))
	}

	ex.Key = AccessKey(e.Key, q.Audience)
	if e.Tenant != issuer {
		add("tenant", e.Tenant, fmt.Sprintf("alias: profile issuer %s → the tenant that issued the tokens (token iss/tid at sign-in)", issuer))
	} else {
		add("tenant", e.Tenant, "profile "+q.Profile+" (issuer, verified at sign-in)")
	}
	add("client", e.ClientID, "profile "+q.Profile)
	if q.Account != "" {
		add("account", e.Subject+" ("+e.Account+")", "the account asked for ("+q.Account+")")
	} else {
		add("account", e.Subject+" ("+e.Account+")", "the profile's current account (last sign-in)")
	}
	add("audience", audienceText(q.Audience), "the request")

	a := e.Find(q.Audience)
	switch {
	case a == nil:
		var have []string
		for _, o := range e.Audiences {
			have = append(have, audienceText(o.Audience))
		}
		return miss(MissOtherAudience, fmt.Sprintf("the session holds tokens for %s; a token request asks the provider for this one with the refresh token", strings.Join(have, ", ")))
	case !a.Expiry.IsZero() && !a.Expiry.After(q.Now.Add(q.MinTTL)):
		if e.Refreshable {
			return miss(MissExpired, fmt.Sprintf("expired or within %s of expiry (%s); a token request refreshes it", q.MinTTL, a.Expiry.Format(time.RFC3339)))
		}
		return miss(MissExpiredNoRT, "expired and no refresh token: sign in again")
	}
	ex.Hit, ex.Verdict = true, Hit
	ex.Reason = "served from the " + e.Store + " with no request"
	if !a.Expiry.IsZero() {
		ex.Reason += fmt.Sprintf(", valid until %s", a.Expiry.Format(time.RFC3339))
	}
	return ex
}

func accountSource(a string) string {
	if a != "" {
		return "the account asked for"
	}
	return "the profile's current account (none: never signed in)"
}

func audienceText(a auth.Audience) string {
	if k := AudienceKey(a); k != "" {
		return k
	}
	return "default (no resource, no organization)"
}

func accounts(es []*Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Account)
	}
	return strings.Join(out, ", ")
}

func tenants(es []*Entry) string {
	var out []string
	for _, e := range es {
		if !slices.Contains(out, e.Tenant) {
			out = append(out, e.Tenant)
		}
	}
	return strings.Join(out, ", ")
}
