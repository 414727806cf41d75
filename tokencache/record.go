package tokencache

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/latchdev/latch/auth"
)

const recordVersion = 1

// Record is one signed-in account at one tenant: everything secret about it.
type Record struct {
	Version int    `json:"v"`
	Key     Key    `json:"key"`
	Tenant  string `json:"tenant"`
	// Alias is the authority the profile signs in through when it differs
	// from Tenant (Entra /common): remembered, never used as the key.
	Alias        string        `json:"alias,omitempty"`
	ClientID     string        `json:"client_id"`
	Subject      string        `json:"sub"`
	Account      string        `json:"account,omitempty"`
	RefreshToken string        `json:"refresh_token,omitempty"`
	IDToken      string        `json:"id_token,omitempty"`
	Access       []AccessToken `json:"access,omitempty"`
	Updated      time.Time     `json:"updated"`
}

// AccessToken is one access token and what it was issued for.
type AccessToken struct {
	Audience    auth.Audience `json:"audience"`
	AccessToken string        `json:"access_token"`
	TokenType   string        `json:"token_type,omitempty"`
	Scope       string        `json:"scope,omitempty"`
	// ScopeRequested: the provider named no scope, so Scope is what was
	// asked for (RFC 6749 §5.1), not what was granted.
	ScopeRequested bool      `json:"scope_requested,omitempty"`
	Expiry         time.Time `json:"expiry,omitzero"`
	// Issued is when the token was received; with Expiry it gives the
	// token's lifetime.
	Issued time.Time `json:"issued,omitzero"`
}

// Valid reports whether the token is usable for at least minTTL more.
func (t *AccessToken) Valid(now time.Time, minTTL time.Duration) bool {
	return t.AccessToken != "" && (t.Expiry.IsZero() || t.Expiry.After(now.Add(minTTL)))
}

// Find returns the access token for an audience, or nil.
func (r *Record) Find(a auth.Audience) *AccessToken {
	return findAudience(r.Access, func(t *AccessToken) auth.Audience { return t.Audience }, a)
}

// Put stores tokens from a token response for an audience: the access token
// replaces the one for the same audience, a new refresh token replaces the
// old (rotation), and a response without an ID token keeps the previous one.
func (r *Record) Put(a auth.Audience, t *auth.Tokens, now time.Time) {
	at := AccessToken{Audience: a, AccessToken: t.AccessToken, TokenType: t.TokenType, Scope: t.Scope, ScopeRequested: t.ScopeRequested, Expiry: t.Expiry, Issued: now}
	if old := r.Find(a); old != nil {
		*old = at
	} else {
		r.Access = append(r.Access, at)
	}
	if t.RefreshToken != "" {
		r.RefreshToken = t.RefreshToken
	}
	if t.IDToken != "" {
		r.IDToken = t.IDToken
	}
	r.Updated = now
}

// NewRecord makes the record of a completed sign-in.
func NewRecord(res *auth.Result, clientID, alias string, now time.Time) *Record {
	id := res.Identity
	r := &Record{
		Version: recordVersion, Key: RecordKey(id.Issuer, clientID, id.Subject),
		Tenant: id.Issuer, ClientID: clientID, Subject: id.Subject, Account: id.Display(),
	}
	// Tenant is the issuer exactly as the provider writes it (a trailing
	// "/" included): refreshes discover it, and discovery compares exactly.
	if auth.TrimIssuer(alias) != auth.TrimIssuer(r.Tenant) {
		r.Alias = alias
	}
	r.Put(res.Audience, res.Tokens, now)
	return r
}

func (r *Record) marshal() (string, error) {
	b, err := json.Marshal(r)
	return string(b), err
}

func unmarshalRecord(s string) (*Record, error) {
	o, err := decodeObject([]byte(s))
	var r *Record
	if err == nil {
		r, err = readRecord(o) // (decoded by hand, see jsonread.go)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: the keyring item is not a latch record (%w); sign in again to replace it", ErrUnknownFormat, err)
	}
	if r.Version != recordVersion {
		return nil, fmt.Errorf("%w: format version %d, written by another version of latch; sign in again, or use that version", ErrUnknownFormat, r.Version)
	}
	return r, nil
}
