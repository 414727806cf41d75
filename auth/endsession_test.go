package auth

import (
	"strings"
	"testing"
)

func TestEndSessionPageEscapesEveryValue(t *testing.T) {
	page := endSessionPage(`https://op.example/logout?a=1&b="2"`, `cli"><script>alert(1)</script>`, `h'"<>&`, `n"x`)
	for _, bad := range []string{`"><script>alert`, `&b="2"`, `h'"<>&`, `n"x`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q unescaped:\n%s", bad, page)
		}
	}
	for _, want := range []string{
		`action="https://op.example/logout?a=1&amp;b=&#34;2&#34;"`,
		`name="client_id" value="cli&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`,
		`name="id_token_hint" value="h&#39;&#34;&lt;&gt;&amp;"`,
		`<script nonce="n&#34;x">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(endSessionPage("https://op.example/logout", "cli", "", "n"), "id_token_hint") {
		t.Error("a page without a hint still posts id_token_hint")
	}
}
