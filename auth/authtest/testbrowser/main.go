// Command testbrowser is the $BROWSER of latch's end-to-end tests: it
// completes oidc-provider's sign-in pages over HTTP and writes where it
// ended to $LATCH_TEST_BROWSER_LOG. The user is $LATCH_TEST_USER (default
// alice); LATCH_TEST_DENY=1 cancels the sign-in instead.
package main

import (
	"fmt"
	"os"

	"github.com/latchdev/latch/auth/authtest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testbrowser URL")
		os.Exit(2)
	}
	user := os.Getenv("LATCH_TEST_USER")
	if user == "" {
		user = "alice"
	}
	res, err := authtest.Browse(os.Args[len(os.Args)-1], user, os.Getenv("LATCH_TEST_DENY") == "1")
	line := "open " + os.Args[len(os.Args)-1] + "\n"
	if err != nil {
		line += "error " + err.Error()
	} else {
		line += fmt.Sprintf("%d %s", res.Status, res.FinalURL)
	}
	if p := os.Getenv("LATCH_TEST_BROWSER_LOG"); p != "" {
		f, ferr := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if ferr == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
	if err != nil {
		os.Exit(1)
	}
}
