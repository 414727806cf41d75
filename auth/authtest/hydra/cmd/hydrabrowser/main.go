// Command hydrabrowser is the $BROWSER of the Hydra suite: it opens the
// URL it is given and follows redirects, keeping cookies, through Hydra
// and the login and consent app (which ask nothing) to latch's loopback
// callback, and fails when it ends anywhere else. It appends "open URL"
// and then "STATUS FINAL-URL" or "error ..." to $LATCH_TEST_BROWSER_LOG,
// and exits 1 on an error.
package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"time"
)

// maxRedirects bounds a visit: Hydra → login → Hydra → consent → Hydra →
// callback is six.
const maxRedirects = 12

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: hydrabrowser URL")
		os.Exit(2)
	}
	line := "open " + os.Args[1] + "\n"
	status, final, err := visit(os.Args[1])
	if err != nil {
		line += "error " + err.Error()
	} else {
		line += fmt.Sprintf("%d %s", status, final)
	}
	if p := os.Getenv("LATCH_TEST_BROWSER_LOG"); p != "" {
		if f, ferr := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); ferr == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hydrabrowser:", err)
		os.Exit(1)
	}
}

func visit(u string) (int, string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return 0, "", err
	}
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return errors.New("too many redirects")
			}
			return nil
		}}
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	final := resp.Request.URL.String()
	if resp.StatusCode >= 400 {
		return resp.StatusCode, final, fmt.Errorf("%s answered %d: %.300s", final, resp.StatusCode, body)
	}
	// An error page that answers 200 ends anywhere but latch's loopback.
	if resp.Request.URL.Path != "/callback" {
		return resp.StatusCode, final, fmt.Errorf("the visit ended at %s, not at the loopback callback: %.300s", final, body)
	}
	return resp.StatusCode, final, nil
}
