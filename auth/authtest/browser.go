package authtest

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	formRe   = regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	hiddenRe = regexp.MustCompile(`<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"`)
)

// BrowserResult is where the test browser ended.
type BrowserResult struct {
	FinalURL string
	Status   int
	Body     string
}

// Browse does what a person does in the browser: open the authorization
// URL, sign in as user on oidc-provider's login page (any password), accept
// the consent page, and follow redirects until the loopback callback
// answers. With deny set it cancels at the first page instead.
func Browse(authURL, user string, deny bool) (*BrowserResult, error) {
	return browse(authURL, user, deny, false)
}

// BrowseElsewhere is a browser on another machine (an SSH session's
// laptop): it signs in as Browse does, but the redirect to the loopback
// callback cannot reach latch, so it returns the address the browser ends
// on, for a person to paste.
func BrowseElsewhere(authURL, user string) (string, error) {
	res, err := browse(authURL, user, false, true)
	if err != nil {
		return "", err
	}
	return res.FinalURL, nil
}

// browserClient keeps cookies; elsewhere, it stops at the redirect to the
// loopback callback and keeps its address in callback.
func browserClient(elsewhere bool, callback *string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	if elsewhere {
		c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
			if req.URL.Path == "/callback" {
				*callback = req.URL.String()
				return http.ErrUseLastResponse
			}
			return nil
		}
	}
	return c
}

func browse(authURL, user string, deny, elsewhere bool) (*BrowserResult, error) {
	var callback string
	c := browserClient(elsewhere, &callback)
	userLink := regexp.MustCompile(`id="` + regexp.QuoteMeta(user) + `" href="([^"]+)"`)
	resp, err := c.Get(authURL)
	for range 6 {
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if callback != "" {
			return &BrowserResult{FinalURL: callback, Status: resp.StatusCode}, nil
		}
		final := resp.Request.URL
		if final.Path == "/callback" {
			return &BrowserResult{FinalURL: final.String(), Status: resp.StatusCode, Body: string(body)}, nil
		}
		// latch's demo provider lists users as links: click the user's.
		if l := userLink.FindStringSubmatch(string(body)); l != nil {
			next, perr := final.Parse(html.UnescapeString(l[1]))
			if perr != nil {
				return nil, perr
			}
			resp, err = c.Get(next.String())
			continue
		}
		m := formRe.FindStringSubmatch(string(body))
		if m == nil {
			// A page with nothing to click ends the visit (a device
			// approval page); an error page is an error.
			if resp.StatusCode >= 400 {
				return nil, fmt.Errorf("page %s answered %d: %.300s", final, resp.StatusCode, body)
			}
			return &BrowserResult{FinalURL: final.String(), Status: resp.StatusCode, Body: string(body)}, nil
		}
		action, perr := final.Parse(html.UnescapeString(m[1]))
		if perr != nil {
			return nil, perr
		}
		if deny {
			abort := *action
			abort.Path = strings.TrimSuffix(strings.TrimSuffix(abort.Path, "/login"), "/confirm") + "/abort"
			resp, err = c.Get(abort.String())
			deny = false
			continue
		}
		form := url.Values{}
		for _, h := range hiddenRe.FindAllStringSubmatch(m[2], -1) {
			form.Set(h[1], html.UnescapeString(h[2]))
		}
		if strings.Contains(m[2], `name="login"`) {
			form.Set("login", user)
			form.Set("password", "any")
		}
		resp, err = c.PostForm(action.String(), form)
	}
	return nil, errors.New("the sign-in did not reach the callback after 6 pages")
}
