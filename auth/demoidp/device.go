package demoidp

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// deviceAuthorization starts a device sign-in (RFC 8628).
func (s *Server) deviceAuthorization(w http.ResponseWriter, r *http.Request, t *tenant, base string) {
	r.ParseForm()
	if r.PostForm.Get("client_id") != ClientID {
		oauthError(w, 401, "invalid_client", "unknown client")
		return
	}
	code, user := newID(), strings.ToUpper(newID()[:8])
	user = user[:4] + "-" + user[4:]
	s.mu.Lock()
	s.device[code] = &deviceGrant{userCode: user, tenant: t, scopes: strings.Fields(r.PostForm.Get("scope"))}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code": code, "user_code": user, "verification_uri": base + "/device",
		"verification_uri_complete": base + "/device?" + url.Values{"user_code": {user}}.Encode(),
		"expires_in":                600, "interval": 1,
	})
}

func (s *Server) deviceByUserCode(code string) (string, *deviceGrant) {
	for dc, d := range s.device {
		if d.userCode == code && d.approved == nil {
			return dc, d
		}
	}
	return "", nil
}

// devicePage is the verification page: the code and the users to pick.
func (s *Server) devicePage(w http.ResponseWriter, r *http.Request, t *tenant) {
	code := r.URL.Query().Get("user_code")
	s.mu.Lock()
	_, d := s.deviceByUserCode(code)
	s.mu.Unlock()
	if d == nil {
		writeHTML(w, http.StatusBadRequest, "<p>Unknown or used code. Start again in the terminal.</p>")
		return
	}
	body := "<h1>latch demo: approve a device</h1><p>Code <b>" + html.EscapeString(code) + "</b>. Pick the user who signs in:</p>"
	for _, u := range s.usersOf(t) {
		link := r.URL.Path + "/pick?" + url.Values{"user_code": {code}, "user": {u.Username}}.Encode()
		body += fmt.Sprintf(`<a id="%s" href="%s">%s &lt;%s&gt;</a>`, u.Username, html.EscapeString(link), html.EscapeString(u.Name), html.EscapeString(u.Email))
	}
	writeHTML(w, http.StatusOK, body)
}

func (s *Server) devicePick(w http.ResponseWriter, r *http.Request, t *tenant) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	_, d := s.deviceByUserCode(q.Get("user_code"))
	var user *User
	for _, u := range s.usersOf(t) {
		if u.Username == q.Get("user") {
			user = &u
		}
	}
	if d == nil || user == nil {
		writeHTML(w, http.StatusBadRequest, "<p>Unknown code or user.</p>")
		return
	}
	g := &grant{id: newID(), tenant: d.tenant, user: *user, clientID: ClientID, scopes: d.scopes,
		offline: slices.Contains(d.scopes, "offline_access")}
	if d.tenant.name == "common" {
		g.tenant = s.tenants[directory(*user)]
	}
	d.approved = g
	writeHTML(w, http.StatusOK, "<p>Device approved. You can close this tab and return to the terminal.</p>")
}

// deviceToken answers the device_code grant; the caller holds s.mu.
func (s *Server) deviceToken(w http.ResponseWriter, code string) *grant {
	d := s.device[code]
	switch {
	case d == nil:
		oauthError(w, 400, "expired_token", "unknown or used device code")
	case d.approved == nil:
		oauthError(w, 400, "authorization_pending", "waiting for the user")
	default:
		delete(s.device, code)
		return d.approved
	}
	return nil
}
