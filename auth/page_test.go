package auth

import (
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/authtest"
)

// The page the browser shows after the redirect, rendered by Chromium as a
// person sees it: its own inline style applies under the strict CSP, and a
// provider's error text is shown, not run.
func TestCallbackPageInChromium(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			writePage(w, 200, signedInPage(&Identity{Issuer: "https://acme.logto.app/oidc",
				Claims: map[string]any{"name": `Ada <img src=x onerror=alert(1)>`, "email": "ada@example.test"}}))
		case "/fail":
			writePage(w, 400, page{Title: "Sign-in failed", Message: "The sign-in was denied in the browser.",
				Detail: `access_denied: <script>document.title="pwned"</script><img src=x onerror=alert(1)>`})
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	if d := os.Getenv("LATCH_KEEP_SCREENSHOTS"); d != "" {
		dir = d
	}
	for _, tt := range []struct {
		path, text string
		heading    [3]uint8 // the heading's colour in the light scheme
	}{
		{"/ok", "Signed in", [3]uint8{0x1a, 0x7f, 0x37}},
		{"/fail", "Sign-in failed", [3]uint8{0xcf, 0x22, 0x2e}},
	} {
		shot := filepath.Join(dir, strings.TrimPrefix(tt.path, "/")+".png")
		dom := authtest.Chromium(t, srv.URL+tt.path, shot)
		if !strings.Contains(dom, tt.text) || !strings.Contains(dom, "close this tab") {
			t.Errorf("%s: the page lacks %q:\n%s", tt.path, tt.text, dom)
		}
		if tt.path == "/ok" && !strings.Contains(dom, "Signed in to https://acme.logto.app/oidc as Ada &lt;img src=x onerror=alert(1)&gt; &lt;ada@example.test&gt;.") {
			t.Errorf("the page does not name the tenant and the account as text:\n%s", dom)
		}
		if strings.Contains(dom, "<script>") || strings.Contains(dom, "<img") || !strings.Contains(dom, "<title>latch: "+tt.text+"</title>") {
			t.Errorf("%s: the provider's text became markup:\n%s", tt.path, dom)
		}
		if !hasColour(t, shot, tt.heading) {
			t.Errorf("%s: the heading colour %x is not on screen: the page's style did not apply", tt.path, tt.heading)
		}
	}
}

// hasColour reports whether a PNG has pixels close to c.
func hasColour(t *testing.T, path string, c [3]uint8) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a uint32, b uint8) bool { d := int(a>>8) - int(b); return d > -24 && d < 24 }
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(b, c[2]) {
				return true
			}
		}
	}
	return false
}
