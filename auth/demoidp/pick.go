package demoidp

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"sync"
)

// pickLink is compiled on first use: latch links this package, and its
// start-up (latch token) should not pay for a demo.
var pickLink = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`id="([a-z]+)" href="([^"]+)"`) })

// PickUser does what a person does on the demo sign-in page: it opens the
// authorization URL and follows the user's link, which redirects to the
// client's loopback. latch demo uses it when no browser can open.
func PickUser(authURL, user string) error {
	resp, err := http.Get(authURL)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	for _, m := range pickLink().FindAllStringSubmatch(string(b), -1) {
		if m[1] != user {
			continue
		}
		next, err := resp.Request.URL.Parse(html.UnescapeString(m[2]))
		if err != nil {
			return err
		}
		r2, err := http.Get(next.String())
		if err != nil {
			return err
		}
		io.Copy(io.Discard, r2.Body)
		r2.Body.Close()
		if r2.StatusCode != http.StatusOK {
			return fmt.Errorf("the sign-in answered %s", r2.Status)
		}
		return nil
	}
	return fmt.Errorf("%s is not a user of this demo tenant", user)
}
