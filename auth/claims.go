package auth

// claimMeanings say what a claim means, for standard OpenID Connect and
// JWT access token claims, Logto, Microsoft Entra ID and other providers.
// A slice, not a map: it costs no work at program start.
var claimMeanings = []struct{ name, meaning string }{
	// JWT (RFC 7519) and OpenID Connect Core
	{"iss", "issuer: the tenant that signed the token"},
	{"sub", "subject: the account's stable id at this issuer"},
	{"aud", "audience: who the token is for (client id or API)"},
	{"azp", "authorized party: the client the token was issued to"},
	{"exp", "expires at"},
	{"iat", "issued at"},
	{"nbf", "not valid before"},
	{"jti", "unique token id"},
	{"auth_time", "when the user last authenticated"},
	{"nonce", "binds the ID token to this sign-in"},
	{"at_hash", "hash of the access token issued with it (proves they belong together)"},
	{"c_hash", "hash of the authorization code issued with it"},
	{"sid", "session id at the provider (used to end the session)"},
	{"acr", "authentication context class: how strong the sign-in was"},
	{"amr", "authentication methods used (pwd, mfa, otp, ...)"},
	// Standard profile claims
	{"name", "full name"},
	{"given_name", "given name"},
	{"family_name", "family name"},
	{"middle_name", "middle name"},
	{"nickname", "casual name"},
	{"preferred_username", "preferred username (Entra: the UPN)"},
	{"profile", "profile page URL"},
	{"picture", "profile picture URL"},
	{"website", "web page URL"},
	{"email", "email address"},
	{"email_verified", "the provider checked the email"},
	{"gender", "gender"},
	{"birthdate", "birth date"},
	{"zoneinfo", "time zone"},
	{"locale", "preferred locale"},
	{"phone_number", "phone number"},
	{"phone_number_verified", "the provider checked the phone number"},
	{"address", "postal address"},
	{"updated_at", "profile last updated"},
	// Access tokens (RFC 9068, RFC 8693)
	{"scope", "scopes granted to the access token"},
	{"scp", "scopes granted to the access token (Entra, Okta)"},
	{"client_id", "client the access token was issued to"},
	{"groups", "groups the user belongs to"},
	{"roles", "roles of the user (Logto, Entra app roles)"},
	{"act", "actor: who acts on the subject's behalf (token exchange)"},
	{"cnf", "confirmation: the key the token is bound to"},
	// Logto
	{"username", "Logto username"},
	{"organizations", "Logto organizations the user belongs to"},
	{"organization_roles", "Logto roles per organization (org:role)"},
	{"organization_id", "Logto organization this token is for"},
	{"custom_data", "Logto custom data"},
	// Entra ID
	{"tid", "Entra tenant (directory) id: keys the cache"},
	{"oid", "Entra object id of the user, the same across apps"},
	{"ver", "token version (Entra: 1.0 or 2.0)"},
	{"idp", "identity provider that authenticated the user (guest accounts: their home)"},
	{"upn", "Entra user principal name"},
	{"uti", "Entra token id"},
	{"rh", "Entra internal refresh hint"},
	{"appid", "Entra application id (v1 tokens)"},
	{"wids", "Entra directory role template ids of the user"},
	{"xms_tcdt", "Entra tenant creation time"},
	// Others
	{"rat", "requested at: when the token was requested (Ory Hydra)"},
	{"ext", "extra claims the provider added (Ory Hydra)"},
}

// ClaimMeaning says what a claim means, or "" for one latch does not know.
func ClaimMeaning(name string) string {
	for _, c := range claimMeanings {
		if c.name == name {
			return c.meaning
		}
	}
	return ""
}

// IsTimeClaim reports a claim that holds a NumericDate (seconds since 1970).
func IsTimeClaim(name string) bool {
	switch name {
	case "exp", "iat", "nbf", "auth_time", "updated_at", "rat", "xms_tcdt":
		return true
	}
	return false
}

// HeaderMeaning says what a JOSE header field means, or "" for one latch
// does not know.
func HeaderMeaning(name string) string {
	switch name {
	case "alg":
		return "signature algorithm"
	case "kid":
		return "id of the issuer's key that signed it"
	case "typ":
		return "token type"
	case "cty":
		return "content type"
	case "x5t":
		return "thumbprint of the signing certificate"
	case "jku":
		return "key set URL the token names (never fetched)"
	case "x5u":
		return "certificate URL the token names (never fetched)"
	}
	return ""
}
