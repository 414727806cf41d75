package tui

// claimMeanings say what a claim means, for standard OpenID Connect, Logto
// and Microsoft Entra ID tokens.
var claimMeanings = map[string]string{
	"iss":                "issuer: the tenant that signed the token",
	"sub":                "subject: the account's stable id at this issuer",
	"aud":                "audience: who the token is for (client id or API)",
	"azp":                "authorized party: the client the token was issued to",
	"exp":                "expires at",
	"iat":                "issued at",
	"nbf":                "not valid before",
	"auth_time":          "when the user last authenticated",
	"nonce":              "binds the ID token to this sign-in",
	"at_hash":            "hash of the access token issued with it",
	"c_hash":             "hash of the authorization code",
	"sid":                "session id at the provider",
	"jti":                "unique token id",
	"acr":                "authentication context class",
	"amr":                "authentication methods used",
	"name":               "full name",
	"given_name":         "given name",
	"family_name":        "family name",
	"email":              "email address",
	"email_verified":     "the provider checked the email",
	"phone_number":       "phone number",
	"picture":            "profile picture URL",
	"locale":             "preferred locale",
	"updated_at":         "profile last updated",
	"preferred_username": "preferred username (Entra: the UPN)",
	"scope":              "scopes granted to the access token",
	"client_id":          "client the access token was issued to",
	// Logto
	"username":           "Logto username",
	"roles":              "Logto roles of the user",
	"organizations":      "Logto organizations the user belongs to",
	"organization_roles": "Logto roles per organization (org:role)",
	"organization_id":    "Logto organization this token is for",
	"custom_data":        "Logto custom data",
	// Entra ID
	"tid":   "Entra tenant (directory) id: keys the cache",
	"oid":   "Entra object id of the user, the same across apps",
	"ver":   "Entra token version",
	"idp":   "identity provider that authenticated the user",
	"upn":   "Entra user principal name",
	"uti":   "Entra token id",
	"rh":    "Entra internal refresh hint",
	"appid": "Entra application id (v1 tokens)",
}

// timeClaims hold NumericDate values.
var timeClaims = map[string]bool{"exp": true, "iat": true, "nbf": true, "auth_time": true, "updated_at": true}

// ClaimMeaning says what a claim means, or "" for one latch does not know.
func ClaimMeaning(name string) string { return claimMeanings[name] }
