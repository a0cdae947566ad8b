package gce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

const (
	cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
	// DefaultIAMCredentialsEndpoint generates impersonated access tokens.
	DefaultIAMCredentialsEndpoint = "https://iamcredentials.googleapis.com"
	// maxCredentialsFile bounds a credentials file; real ones are ~2 KiB.
	maxCredentialsFile = 1 << 20
)

// credentialTypes are the JSON credential files accepted, by "type".
var credentialTypes = []google.CredentialsType{google.ServiceAccount, google.AuthorizedUser, google.ExternalAccount,
	google.ExternalAccountAuthorizedUser, google.ImpersonatedServiceAccount}

// tokenSource is the token source the configuration asks for, or nil when
// the libraries find Application Default Credentials themselves.
func (cfg Config) tokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	if cfg.CredentialsFile == "" && len(cfg.CredentialsJSON) == 0 && cfg.ImpersonateServiceAccount == "" {
		return nil, nil
	}
	var creds *google.Credentials
	var err error
	switch {
	case len(cfg.CredentialsJSON) > 0:
		creds, err = credentialsFromJSON(ctx, cfg.CredentialsJSON, "credentials_json")
	case cfg.CredentialsFile != "":
		var b []byte
		b, err = readCredentialsFile(cfg.CredentialsFile)
		if err == nil {
			creds, err = credentialsFromJSON(ctx, b, cfg.CredentialsFile)
		}
	default:
		creds, err = google.FindDefaultCredentials(ctx, cloudPlatformScope)
		if err != nil {
			err = fmt.Errorf("find application default credentials: %w", err)
		}
	}
	if err != nil {
		return nil, err
	}
	if cfg.ImpersonateServiceAccount == "" {
		return creds.TokenSource, nil
	}
	endpoint := cfg.IAMCredentialsEndpoint
	if endpoint == "" {
		endpoint = DefaultIAMCredentialsEndpoint
	}
	return oauth2.ReuseTokenSource(nil, &impersonated{
		client:   oauth2.NewClient(ctx, creds.TokenSource),
		endpoint: strings.TrimSuffix(endpoint, "/"),
		target:   cfg.ImpersonateServiceAccount,
	}), nil
}

func readCredentialsFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read credentials file: %w", err)
	}
	if !st.Mode().IsRegular() || st.Size() > maxCredentialsFile {
		return nil, fmt.Errorf("credentials file %s: want a JSON credentials file of at most %d KiB", path, maxCredentialsFile>>10)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read credentials file: %w", err)
	}
	return b, nil
}

// credentialsFromJSON accepts the credential file types Google's tools
// write, and names where the JSON came from, never its content.
func credentialsFromJSON(ctx context.Context, b []byte, from string) (*google.Credentials, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%s: not a JSON credentials file", from)
	}
	t := google.CredentialsType(head.Type)
	if !slices.Contains(credentialTypes, t) {
		return nil, fmt.Errorf("%s: credentials type %q; accepted: %v", from, head.Type, credentialTypes)
	}
	creds, err := google.CredentialsFromJSONWithType(ctx, b, t, cloudPlatformScope)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	return creds, nil
}

// impersonated exchanges the base credentials' token for one of target
// with the IAM Credentials API (generateAccessToken), at a configurable
// endpoint.
type impersonated struct {
	client           *http.Client
	endpoint, target string
}

func (i *impersonated) Token() (*oauth2.Token, error) {
	body, _ := json.Marshal(map[string]any{"scope": []string{cloudPlatformScope}, "lifetime": "3600s"})
	u := i.endpoint + "/v1/projects/-/serviceAccounts/" + url.PathEscape(i.target) + ":generateAccessToken"
	resp, err := i.client.Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("impersonate service account %s: %w", i.target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("impersonate service account %s: %w", i.target, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		return nil, fmt.Errorf("impersonate service account %s: %s: %s (the caller needs roles/iam.serviceAccountTokenCreator on it)", i.target, resp.Status, e.Error.Message)
	}
	var tok struct {
		AccessToken string    `json:"accessToken"`
		ExpireTime  time.Time `json:"expireTime"`
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		return nil, fmt.Errorf("impersonate service account %s: no access token in the answer", i.target)
	}
	return &oauth2.Token{AccessToken: tok.AccessToken, TokenType: "Bearer", Expiry: tok.ExpireTime}, nil
}
