package auth

import "testing"

func TestClaimMeanings(t *testing.T) {
	for _, c := range []string{"iss", "sub", "aud", "exp", "iat", "nonce", "email", "rat", "scp", "ext", "groups", "roles", "wids", "amr", "acr", "sid", "idp", "ver", "uti", "at_hash", "c_hash", "tid", "organization_roles"} {
		if ClaimMeaning(c) == "" {
			t.Errorf("no meaning for %s", c)
		}
	}
	if ClaimMeaning("x-unknown") != "" {
		t.Error("a made-up claim has a meaning")
	}
	if !IsTimeClaim("auth_time") || IsTimeClaim("sub") {
		t.Error("time claims")
	}
}
