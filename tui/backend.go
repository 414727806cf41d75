package tui

import (
	"context"
	"time"

	"github.com/latchdev/latch/auth"
)

// Backend is what the UI asks of latch's engine.
type Backend interface {
	// Tenants lists the configured profiles with their state.
	Tenants(ctx context.Context) ([]Tenant, error)
	// SignIn runs the interactive sign-in, telling progress as it goes:
	// in the browser over the loopback, or with a device code (RFC 8628).
	SignIn(ctx context.Context, tenant string, device bool, progress func(auth.Step)) (*Session, error)
	Session(ctx context.Context, tenant string) (*Session, error)
	Refresh(ctx context.Context, tenant string) (*Session, error)
	// SignOut revokes the refresh token and deletes the record.
	SignOut(ctx context.Context, tenant string) error
	AccessToken(ctx context.Context, tenant string) (string, error)
	Claims(ctx context.Context, tenant string) (*Claims, error)
	Cache(ctx context.Context) ([]CacheEntry, error)
	// Explain says which key a token lookup for the tenant uses and whether
	// it hits.
	Explain(ctx context.Context, tenant string) (*Explanation, error)
	DeleteCache(ctx context.Context, key string) error
	// AddTenant writes a profile. Re-pointing one that has sessions at
	// another issuer or client fails with session.ErrHasSessions unless
	// t.Force is set; then its sessions are signed out first.
	AddTenant(t NewTenant) error
	RemoveTenant(name string) error
	// Inspect decodes a JWT pasted by the user and verifies its signature:
	// with the keys of the tenant's profile when the token is its issuer's,
	// else with the keys its own iss claim discovers (https, or http on
	// loopback). Only an undecodable token is an error.
	Inspect(ctx context.Context, tenant, token string) (*auth.Inspection, error)
}

// UserPicker is implemented by backends that can finish a sign-in without a
// browser (the demo): the user is picked in the terminal.
type UserPicker interface {
	Users(tenant string) []string
	Pick(authURL, user string) error
}

// TenantState is where a profile stands.
type TenantState int

const (
	SignedOut TenantState = iota
	SignedIn
	ExpiredRefreshable
	Expired
	Broken
)

func (s TenantState) String() string {
	return [...]string{"signed out", "signed in", "expired, refreshable", "expired", "error"}[s]
}

// Tenant is one profile as the tenants screen shows it.
type Tenant struct {
	Name, Issuer, ClientID string
	State                  TenantState
	Account                string
	Expires                time.Time
	Store                  string
	Err                    string
}

// Session is a signed-in account at a tenant.
type Session struct {
	Tenant, Issuer       string
	Name, Email, Subject string
	Expires              time.Time
	Scopes               []string
	// Audience is the API resource of the token shown, "" for the default.
	Audience    string
	Refreshable bool
	Store       string
	Key         string
}

// Token is one decoded token for the claims screen.
type Token struct {
	// Identity is set when the token verified; Err says why not.
	Identity *auth.Identity
	Err      string
	// Header and Payload are the raw JSON parts, pretty-printed.
	Header, Payload string
	// Opaque is true for an access token that is not a JWT.
	Opaque bool
	// OpaqueHint is the provider's advice for an opaque access token, ""
	// when it has none.
	OpaqueHint string
}

// Claims are the ID token, the access token and userinfo of a session.
type Claims struct {
	ID, Access  Token
	Userinfo    map[string]any
	UserinfoErr string
}

// CacheEntry is one record in the store, never a secret.
type CacheEntry struct {
	Key, Tenant, Account string
	Audiences            []string
	Size, Chunks         int
	Expires              time.Time
	Store                string
}

// NewTenant is what the add-tenant form collects.
type NewTenant struct {
	Name, Issuer, ClientID, Resource string
	// Force re-points a profile that has sessions, signing them out.
	Force bool
}

// Explanation is a cache lookup, field by field, with its verdict.
type Explanation struct {
	Key     string
	Fields  []ExplainField
	Hit     bool
	Verdict string
	Reason  string
}

// ExplainField is one part of a key and where its value came from.
type ExplainField struct{ Name, Value, Source string }
