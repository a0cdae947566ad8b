package aws_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
)

// signedBy makes one KMS call with cfg and returns the access key id that
// signed it.
func signedBy(t *testing.T, env *awsfake.Env, cfg aws.Config) (string, error) {
	t.Helper()
	env.KMS.AddKey("image-signing")
	before := len(env.KMS.Calls())
	c, err := aws.New(context.Background(), cfg)
	if err != nil {
		return "", err
	}
	if _, err := c.Signer(context.Background(), "awskms:///alias/image-signing"); err != nil {
		return "", err
	}
	calls := env.KMS.Calls()
	if len(calls) == before {
		t.Fatal("no KMS call")
	}
	return calls[len(calls)-1].AccessKey, nil
}

// TestCredentialSources (issue 17, item 5): the credential shapes of
// Packer's amazon plugin, against local STS and KMS endpoints.
func TestCredentialSources(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/image-signer"
	tests := []struct {
		name  string
		setup func(t *testing.T, env *awsfake.Env, cfg *aws.Config)
		want  string // access key id that signs the KMS calls
	}{
		{"static keys", func(t *testing.T, env *awsfake.Env, cfg *aws.Config) {
			cfg.Credentials = nil
			cfg.AccessKey, cfg.SecretKey = "AKIASTATICKEY0000001", "static-secret"
		}, "AKIASTATICKEY0000001"},
		{"environment variables", func(t *testing.T, env *awsfake.Env, cfg *aws.Config) {
			cfg.Credentials = nil
			t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
		}, "AKIAENVIRONMENT00001"},
		{"shared credentials file and profile", func(t *testing.T, env *awsfake.Env, cfg *aws.Config) {
			cfg.Credentials = nil
			file := filepath.Join(t.TempDir(), "credentials")
			os.WriteFile(file, []byte("[default]\naws_access_key_id = AKIADEFAULTPROFILE01\naws_secret_access_key = d\n\n[images]\naws_access_key_id = AKIAIMAGESPROFILE001\naws_secret_access_key = i\n"), 0o600)
			cfg.SharedCredentialsFile, cfg.Profile = file, "images"
		}, "AKIAIMAGESPROFILE001"},
		{"assume role with static keys", func(t *testing.T, env *awsfake.Env, cfg *aws.Config) {
			env.STS.AddRole(role, "acme-images")
			cfg.Credentials = nil
			cfg.AccessKey, cfg.SecretKey = "AKIABASEKEY000000001", "base-secret"
			cfg.AssumeRole = &aws.AssumeRole{RoleARN: role, SessionName: "packer-attest", ExternalID: "acme-images", Duration: 15 * time.Minute}
		}, awsfake.RoleAccessKey(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := awsfake.Start(t)
			cfg := env.Config()
			tt.setup(t, env, &cfg)
			got, err := signedBy(t, env, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("KMS calls signed by %q, want %q", got, tt.want)
			}
		})
	}

	// The role is assumed once, with the base credentials and the settings
	// given; its credentials are reused for the next calls.
	env := awsfake.Start(t)
	env.STS.AddRole(role, "acme-images")
	cfg := env.Config()
	cfg.AssumeRole = &aws.AssumeRole{RoleARN: role, SessionName: "packer-attest", ExternalID: "acme-images", Duration: 15 * time.Minute}
	c, err := aws.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	env.KMS.AddKey("image-signing")
	for range 3 {
		if _, err := c.Signer(context.Background(), "awskms:///alias/image-signing"); err != nil {
			t.Fatal(err)
		}
	}
	sts := env.STS.Calls()
	if len(sts) != 1 {
		t.Fatalf("%d AssumeRole calls, want 1", len(sts))
	}
	p := sts[0].Params
	if sts[0].AccessKey != "AKIDFAKEFAKEFAKEFAKE" || p["RoleArn"] != role || p["RoleSessionName"] != "packer-attest" || p["ExternalId"] != "acme-images" || p["DurationSeconds"] != "900" {
		t.Errorf("AssumeRole call %+v", sts[0])
	}
	for _, k := range env.KMS.Calls() {
		if k.AccessKey != awsfake.RoleAccessKey(1) {
			t.Errorf("KMS %s signed by %q, not the role", k.Action, k.AccessKey)
		}
	}

	// A wrong external id is refused, and the error says so.
	env = awsfake.Start(t)
	env.STS.AddRole(role, "acme-images")
	cfg = env.Config()
	cfg.AssumeRole = &aws.AssumeRole{RoleARN: role, SessionName: "packer-attest", ExternalID: "other"}
	if _, err := signedBy(t, env, cfg); err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "AssumeRole") {
		t.Errorf("wrong external id: %v", err)
	}
}
