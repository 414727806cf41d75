package hydra

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
)

// Issued is one successful token response, as Hydra sent it.
type Issued struct {
	ClientID     string
	GrantType    string
	AccessToken  string
	RefreshToken string
	IDToken      bool
	// PKCE: the request carried a code_verifier (code grants).
	PKCE bool
}

// Proxy is a reverse proxy in front of Hydra's public port that counts
// every request and remembers each token response. It is what latch sees
// as the issuer.
type Proxy struct {
	rp *httputil.ReverseProxy

	mu     sync.Mutex
	hits   map[string]int
	issued []Issued
}

type clientKey struct{}

type tokenRequest struct {
	clientID, grantType string
	verifier            bool
}

// NewProxy forwards to target (Hydra's public URL).
func NewProxy(target *url.URL) *Proxy {
	p := &Proxy{hits: map[string]int{}}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        func(r *httputil.ProxyRequest) { r.SetURL(target); r.Out.Host = r.In.Host },
		ModifyResponse: p.record,
	}
	return p
}

// Hits is how many requests reached the provider through the proxy.
func (p *Proxy) Hits() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, v := range p.hits {
		n += v
	}
	return n
}

// PathHits is how many requests went to path.
func (p *Proxy) PathHits(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

// Issued lists the token responses to clientID, oldest first.
func (p *Proxy) Issued(clientID string) []Issued {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Issued
	for _, i := range p.issued {
		if i.ClientID == clientID {
			out = append(out, i)
		}
	}
	return out
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.hits[r.URL.Path]++
	p.mu.Unlock()
	if r.Method == http.MethodPost && r.URL.Path == "/oauth2/token" {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		tr := tokenRequest{clientID: form.Get("client_id"), grantType: form.Get("grant_type"), verifier: form.Get("code_verifier") != ""}
		r = r.WithContext(context.WithValue(r.Context(), clientKey{}, tr))
	}
	p.rp.ServeHTTP(w, r)
}

func (p *Proxy) record(resp *http.Response) error {
	tr, ok := resp.Request.Context().Value(clientKey{}).(tokenRequest)
	if !ok || resp.StatusCode != http.StatusOK {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var t struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		IDToken      string `json:"id_token"`
	}
	if json.Unmarshal(body, &t) != nil {
		return nil
	}
	p.mu.Lock()
	p.issued = append(p.issued, Issued{ClientID: tr.clientID, GrantType: tr.grantType,
		AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, IDToken: t.IDToken != "", PKCE: tr.verifier})
	p.mu.Unlock()
	return nil
}
