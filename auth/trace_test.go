package auth

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
)

func TestRedaction(t *testing.T) {
	tests := []struct{ in, secret, keep string }{
		{"https://idp/cb?code=S3CRET&state=st", "S3CRET", "state=st"},
		{"https://idp/cb?c%6Fde=S3CRET&x=1", "S3CRET", "x=1"},
		{"https://user:S3CRET@idp/path", "S3CRET", "idp/path"},
		{"https://idp/cb#access_token=S3CRET&token_type=Bearer", "S3CRET", "token_type=Bearer"},
		{"https://idp/logout?id_token_hint=S3CRET&client_id=cli", "S3CRET", "client_id=cli"},
	}
	for _, tt := range tests {
		got := RedactURL(tt.in)
		if strings.Contains(got, tt.secret) || !strings.Contains(got, tt.keep) {
			t.Errorf("RedactURL(%s) = %s", tt.in, got)
		}
	}
	for _, body := range []string{
		`{"error":"invalid_request","refresh_token":"S3CRET","nested":{"Access_Token":"S3CRET"},"list":[{"id_token":"S3CRET"}]}`,
		`error=invalid_request&device_code=S3CRET`,
	} {
		got := redactBody([]byte(body))
		if strings.Contains(got, "S3CRET") || !strings.Contains(got, "invalid_request") {
			t.Errorf("redactBody(%s) = %s", body, got)
		}
	}
	if got := redactBody(bytes.Repeat([]byte("x"), 10000)); len(got) > traceBodyLimit+3 {
		t.Errorf("error body not bounded: %d bytes", len(got))
	}
}

// A refused token request is traced with its error body, its form with
// the refresh token redacted, and no header.
func TestTraceOfARefusedRefresh(t *testing.T) {
	f := newFakeOP(t)
	f.token = func(url.Values) (int, any) {
		return 400, map[string]string{"error": "invalid_grant", "error_description": "expired"}
	}
	var trace bytes.Buffer
	p, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli", Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	p.Refresh(t.Context(), TokenRequest{RefreshToken: "S3CRET-RT"})
	out := trace.String()
	for _, want := range []string{"POST " + f.srv.URL + "/token", "refresh_token=[redacted]", "400 Bad Request", `"error_description":"expired"`} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "S3CRET") {
		t.Errorf("trace shows the refresh token:\n%s", out)
	}
}
