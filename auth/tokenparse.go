package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Lifetimes used when a token response does not say a usable one.
const (
	// unknownLifetime is assumed when expires_in is missing, null, zero or
	// negative and the access token is not a JWT with exp.
	unknownLifetime = 5 * time.Minute
	// maxLifetime caps any lifetime a provider claims.
	maxLifetime = 365 * 24 * time.Hour
)

// parseTokenResponse reads a successful token response (RFC 6749 §5.1)
// itself, because providers disagree on its types:
//   - token_type must be Bearer (any case); absent is taken as Bearer;
//     anything else (mac, DPoP: latch does not do DPoP) is refused.
//   - expires_in may be a number or a string of digits; missing, null,
//     zero or negative means unknown: the JWT exp of the access token, else
//     five minutes; more than a year is cut to a year.
//   - scope missing: the requested scopes, with ScopeRequested set.
//
// When a refresh token was read but another field is faulty, the tokens
// come back with a *PartialTokenError so the new refresh token is kept.
func parseTokenResponse(body []byte, now time.Time, requested []string) (*Tokens, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidTokenResponse)
	}
	t := &Tokens{}
	var problems []error
	for _, f := range []struct {
		name string
		dst  *string
	}{{"refresh_token", &t.RefreshToken}, {"access_token", &t.AccessToken}, {"id_token", &t.IDToken}, {"scope", &t.Scope}, {"token_type", &t.TokenType}} {
		if err := stringMember(raw, f.name, f.dst); err != nil {
			problems = append(problems, err)
		}
	}
	if t.AccessToken == "" {
		problems = append(problems, errors.New("it has no access_token"))
	}
	switch strings.ToLower(t.TokenType) {
	case "bearer", "":
		t.TokenType = "Bearer"
	default:
		problems = append(problems, fmt.Errorf("%w %q: latch sends Bearer tokens only", ErrUnsupportedTokenType, cleanProviderText(t.TokenType)))
	}
	secs, err := expiresIn(raw["expires_in"])
	if err != nil {
		problems = append(problems, err)
	}
	t.Expiry = expiry(now, secs, t.AccessToken)
	if _, ok := raw["scope"]; !ok || t.Scope == "" {
		t.Scope, t.ScopeRequested = strings.Join(requested, " "), true
	}
	if len(problems) == 0 {
		return t, nil
	}
	err = fmt.Errorf("%w: %w", ErrInvalidTokenResponse, problems[0])
	if t.RefreshToken != "" {
		return t, &PartialTokenError{Tokens: t, Err: err}
	}
	return nil, err
}

// stringMember reads an optional string member; null counts as absent.
func stringMember(raw map[string]json.RawMessage, name string, dst *string) error {
	v, ok := raw[name]
	if !ok || string(v) == "null" {
		return nil
	}
	if err := json.Unmarshal(v, dst); err != nil {
		*dst = ""
		return fmt.Errorf("%s is not a string", name)
	}
	return nil
}

// expiresIn returns expires_in in seconds: 0 for missing, null, zero or
// negative (lifetime unknown), at most maxLifetime.
func expiresIn(v json.RawMessage) (int64, error) {
	s := strings.TrimSpace(string(v))
	if s == "" || s == "null" {
		return 0, nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if json.Unmarshal(v, &str) != nil || str == "" || len(str) > 32 || strings.TrimLeft(str, "0123456789") != "" {
			return 0, errors.New("expires_in is not a number of seconds")
		}
		s = str
	} else if s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return 0, errors.New("expires_in is not a number of seconds")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, errors.New("expires_in is not a number of seconds")
	}
	switch {
	case math.IsNaN(f) || f <= 0:
		return 0, nil
	case f >= maxLifetime.Seconds():
		return int64(maxLifetime.Seconds()), nil
	}
	return int64(f), nil
}

// expiry turns expires_in into a time; with no usable expires_in it is the
// access token's JWT exp (within [now, now+maxLifetime]) or unknownLifetime.
func expiry(now time.Time, secs int64, accessToken string) time.Time {
	if secs > 0 {
		return now.Add(time.Duration(secs) * time.Second)
	}
	if exp, ok := unverifiedExp(accessToken); ok {
		switch {
		case exp.Before(now):
			return now
		case exp.After(now.Add(maxLifetime)):
			return now.Add(maxLifetime)
		}
		return exp
	}
	return now.Add(unknownLifetime)
}

// unverifiedExp reads exp from a JWT payload without checking anything: it
// only guesses a lifetime.
func unverifiedExp(raw string) (time.Time, bool) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || len(parts[1]) > maxBody {
		return time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(b, &claims) != nil {
		return time.Time{}, false
	}
	f, err := claims.Exp.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}
