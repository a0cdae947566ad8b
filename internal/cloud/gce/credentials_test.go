package gce_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

// kmsAuthorization opens signingKey (which env must have) through the
// fake KMS with cfg and returns the Authorization header of the last KMS
// call.
func kmsAuthorization(t *testing.T, env *gcefake.Env, cfg gce.Config) (string, error) {
	t.Helper()
	c, err := gce.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Signer(context.Background(), "gcpkms://"+signingKey+"/cryptoKeyVersions/1"); err != nil {
		return "", err
	}
	calls := env.KMS.Calls()
	return calls[len(calls)-1].Authorization, nil
}

// TestCredentialSources (issue 17, item 5): the credential shapes of
// Packer's googlecompute plugin, with the real libraries against local
// token, IAM Credentials and KMS endpoints.
func TestCredentialSources(t *testing.T) {
	const builder = "packer@acme-ci.iam.gserviceaccount.com"
	const signer = "image-signer@acme-kms.iam.gserviceaccount.com"
	tests := []struct {
		name string
		cfg  func(t *testing.T, env *gcefake.Env, cfg *gce.Config)
		want string // Authorization of the KMS calls
	}{
		{"credentials_json", func(t *testing.T, env *gcefake.Env, cfg *gce.Config) {
			cfg.CredentialsJSON = env.IAM.ServiceAccountKey(t, builder)
		}, "Bearer base-token-1"},
		{"credentials_file", func(t *testing.T, env *gcefake.Env, cfg *gce.Config) {
			file := filepath.Join(t.TempDir(), "key.json")
			os.WriteFile(file, env.IAM.ServiceAccountKey(t, builder), 0o600)
			cfg.CredentialsFile = file
		}, "Bearer base-token-1"},
		{"impersonate_service_account", func(t *testing.T, env *gcefake.Env, cfg *gce.Config) {
			env.IAM.AllowImpersonation(builder, signer)
			cfg.CredentialsJSON = env.IAM.ServiceAccountKey(t, builder)
			cfg.ImpersonateServiceAccount = signer
		}, "Bearer " + gcefake.ImpersonatedToken(signer)},
		{"application default credentials, impersonated", func(t *testing.T, env *gcefake.Env, cfg *gce.Config) {
			env.IAM.AllowImpersonation(builder, signer)
			file := filepath.Join(t.TempDir(), "adc.json")
			os.WriteFile(file, env.IAM.ServiceAccountKey(t, builder), 0o600)
			t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", file)
			cfg.ImpersonateServiceAccount = signer
		}, "Bearer " + gcefake.ImpersonatedToken(signer)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := gcefake.Start(t)
			env.KMS.AddKey(signingKey)
			cfg := env.Config()
			cfg.WithoutAuthentication = false
			tt.cfg(t, env, &cfg)
			got, err := kmsAuthorization(t, env, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("KMS calls carry %q, want %q", got, tt.want)
			}
			iam := env.IAM.Calls()
			if iam[0].Op != "token" || iam[0].Image != builder {
				t.Errorf("first IAM call %+v, want the key's token exchange", iam[0])
			}
			if cfg.ImpersonateServiceAccount != "" {
				if len(iam) != 2 || iam[1].Op != "generateAccessToken" || iam[1].Image != signer || iam[1].Authorization != "Bearer base-token-1" {
					t.Errorf("IAM calls %+v, want one generateAccessToken for %s with the key's token", iam, signer)
				}
			}
		})
	}

	// Without the token creator role the error names the account and the
	// role; bad credentials name where they came from, not their content.
	env := gcefake.Start(t)
	env.KMS.AddKey(signingKey)
	cfg := env.Config()
	cfg.WithoutAuthentication = false
	cfg.CredentialsJSON = env.IAM.ServiceAccountKey(t, builder)
	cfg.ImpersonateServiceAccount = signer
	if _, err := kmsAuthorization(t, env, cfg); err == nil || !strings.Contains(err.Error(), "impersonate service account "+signer) ||
		!strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), "roles/iam.serviceAccountTokenCreator") {
		t.Errorf("impersonation refused: %v", err)
	}
	cfg = env.Config()
	cfg.WithoutAuthentication = false
	cfg.CredentialsJSON = []byte(`{"type":"gdch_service_account","private_key":"SECRET-MATERIAL"}`)
	if _, err := kmsAuthorization(t, env, cfg); err == nil || !strings.Contains(err.Error(), `credentials_json: credentials type "gdch_service_account"`) || strings.Contains(err.Error(), "SECRET-MATERIAL") {
		t.Errorf("unsupported type: %v", err)
	}
	cfg.CredentialsJSON, cfg.CredentialsFile = nil, filepath.Join(t.TempDir(), "missing.json")
	if _, err := kmsAuthorization(t, env, cfg); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}
