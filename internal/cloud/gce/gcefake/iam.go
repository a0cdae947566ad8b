package gcefake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// IAM is a fake Google OAuth 2.0 token endpoint (POST /token, the
// JWT-bearer grant of service account keys) and IAM Credentials API
// (generateAccessToken), so the real libraries can log in with a service
// account key and impersonate another service account.
type IAM struct {
	srv *httptest.Server

	mu      sync.Mutex
	grants  map[string]string // impersonated account -> the account allowed to
	tokens  map[string]string // issued base token -> service account
	calls   []Call
	counter int
}

// NewIAM starts the fake; Close stops it.
func NewIAM() *IAM {
	f := &IAM{grants: map[string]string{}, tokens: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the IAM Credentials endpoint (gce.Config.IAMCredentialsEndpoint).
func (f *IAM) URL() string { return f.srv.URL }

// TokenURI is the OAuth token endpoint, for a service account key's
// token_uri.
func (f *IAM) TokenURI() string { return f.srv.URL + "/token" }

// Close stops the fake.
func (f *IAM) Close() { f.srv.Close() }

// AllowImpersonation lets caller (a service account email) get tokens for
// target, as roles/iam.serviceAccountTokenCreator does.
func (f *IAM) AllowImpersonation(caller, target string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.grants[target] = caller
}

// Calls returns the requests so far: Op "token" (Image is the key's
// client email) or "generateAccessToken" (Image is the target).
func (f *IAM) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// ImpersonatedToken is the access token the fake issues for target.
func ImpersonatedToken(target string) string { return "impersonated-token-for-" + target }

func (f *IAM) serve(w http.ResponseWriter, r *http.Request) {
	serveRecorded(&f.mu, &f.calls, w, r, f.handle)
}

func (f *IAM) handle(w http.ResponseWriter, r *http.Request, call *Call) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/token":
		call.Op = "token"
		// The assertion is a JWT signed with the key; its claims name the
		// service account. The fake trusts it: the libraries' signing is
		// not what is under test.
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
			oauthError(w, "unsupported_grant_type")
			return
		}
		parts := strings.Split(r.PostForm.Get("assertion"), ".")
		var claims struct {
			Iss string `json:"iss"`
		}
		if len(parts) != 3 {
			oauthError(w, "invalid_grant")
			return
		}
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil || json.Unmarshal(payload, &claims) != nil || claims.Iss == "" {
			oauthError(w, "invalid_grant")
			return
		}
		call.Image = claims.Iss
		f.counter++
		tok := fmt.Sprintf("base-token-%d", f.counter)
		f.tokens[tok] = claims.Iss
		writeJSON(w, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v1/projects/-/serviceAccounts/") && strings.HasSuffix(r.URL.Path, ":generateAccessToken"):
		call.Op = "generateAccessToken"
		target := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v1/projects/-/serviceAccounts/"), ":generateAccessToken")
		call.Image = target
		caller := f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if caller == "" {
			kmsError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
			return
		}
		if f.grants[target] != caller {
			kmsError(w, http.StatusForbidden, "PERMISSION_DENIED", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).")
			return
		}
		writeJSON(w, map[string]any{"accessToken": ImpersonatedToken(target), "expireTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	default:
		kmsError(w, http.StatusNotFound, "NOT_FOUND", "unknown path "+r.URL.Path)
	}
}

func oauthError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

// ServiceAccountKey is a service account key file for email, with a fresh
// RSA key, whose token_uri is the fake's token endpoint.
func (f *IAM) ServiceAccountKey(t testing.TB, email string) []byte {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "acme-images", "private_key_id": "k1", "client_email": email, "client_id": "1",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "token_uri": f.TokenURI(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
