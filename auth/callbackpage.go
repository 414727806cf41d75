package auth

import (
	_ "embed"
	"errors"
	"html"
	"io"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

//go:embed callback.html
var callbackHTML string

// callbackCSP lets the page show its own inline style and nothing else.
const callbackCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

type page struct {
	OK                     bool
	Title, Message, Detail string
}

// Pages the browser can be left on.
var (
	pageSeeTerminal = page{Title: "Check the terminal", Message: "latch received the sign-in and is still finishing it: see the terminal for the outcome."}
	pageHandled     = page{Title: "Already handled", Message: "This sign-in was already completed or refused."}
)

// signedInPage names the tenant and the account the sign-in gave.
func signedInPage(id *Identity) page {
	return page{OK: true, Title: "Signed in", Message: "Signed in to " + id.Issuer + " as " + id.Display() + "."}
}

// failedPage says truthfully what went wrong; the provider's own words go
// in Detail, shown as text.
func failedPage(err error) page {
	return page{Title: "Sign-in failed", Message: Explain(err), Detail: errDetail(err)}
}

func refusedPage(reason string) page {
	return page{Title: "Not a sign-in latch can use", Message: reason}
}

func writePage(w http.ResponseWriter, status int, p page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", callbackCSP)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	io.WriteString(w, p.render())
}

// render fills the page; every value is HTML-escaped (the provider's error
// description included). html/template is not used: its init would cost
// every latch start, latch token included.
func (p page) render() string {
	class, detail := "fail", ""
	if p.OK {
		class = "ok"
	}
	if p.Detail != "" {
		detail = "<p><code>" + html.EscapeString(p.Detail) + "</code></p>"
	}
	return strings.NewReplacer("{{title}}", html.EscapeString(p.Title), "{{class}}", class,
		"{{message}}", html.EscapeString(p.Message), "{{detail}}", detail).Replace(callbackHTML)
}

// errDetail is the provider's own code and description, if it sent one.
func errDetail(err error) string {
	code, desc := "", ""
	var pe *ProviderError
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &pe):
		code, desc = pe.Code, pe.Description
	case errors.As(err, &re):
		code, desc = re.ErrorCode, re.ErrorDescription
	}
	if desc != "" {
		return code + ": " + desc
	}
	return code
}
