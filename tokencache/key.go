package tokencache

import (
	"slices"
	"strconv"
	"strings"

	"github.com/latchdev/latch/auth"
)

// Key is a record's canonical cache key: tenant (the verified issuer),
// client id and account (sub), each field length-prefixed so that no two
// different triples give the same text.
type Key string

// RecordKey builds the key of a session record. The tenant is the issuer
// exactly as the provider writes it: "https://a/" and "https://a" are two
// issuers (OpenID Connect Discovery §4.3).
func RecordKey(tenant, clientID, subject string) Key {
	var b strings.Builder
	b.WriteString("latch/v1")
	field(&b, "tenant", tenant)
	field(&b, "client", clientID)
	field(&b, "sub", subject)
	return Key(b.String())
}

// AudienceKey is the canonical text of an access token's audience dimension:
// resource, organization and scopes (sorted). The default token is "".
func AudienceKey(a auth.Audience) string {
	if a.Resource == "" && a.Organization == "" && len(a.Scopes) == 0 {
		return ""
	}
	var b strings.Builder
	field(&b, "resource", a.Resource)
	field(&b, "org", a.Organization)
	scopes := slices.Clone(a.Scopes)
	slices.Sort(scopes)
	field(&b, "scopes", strings.Join(slices.Compact(scopes), " "))
	return strings.TrimPrefix(b.String(), " ")
}

// AccessKey is the full key of one access token: the record key and the
// audience dimension.
func AccessKey(k Key, a auth.Audience) string {
	if ak := AudienceKey(a); ak != "" {
		return string(k) + " " + ak
	}
	return string(k)
}

func field(b *strings.Builder, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(strconv.Itoa(len(value)))
	b.WriteByte(':')
	b.WriteString(value)
}

// findAudience returns the element of list whose audience is a, or nil.
func findAudience[T any](list []T, audience func(*T) auth.Audience, a auth.Audience) *T {
	want := AudienceKey(a)
	for i := range list {
		if AudienceKey(audience(&list[i])) == want {
			return &list[i]
		}
	}
	return nil
}
