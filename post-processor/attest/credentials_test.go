package attest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

// TestPrepareCredentials: the credential settings are checked together,
// and no error repeats a secret.
func TestPrepareCredentials(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tests := []struct {
		name string
		raw  map[string]interface{}
		want string
	}{
		{"secret key alone", map[string]interface{}{"secret_key": secret}, "access_key and secret_key go together"},
		{"token alone", map[string]interface{}{"token": secret}, "token is the session token of access_key"},
		{"role ARN", map[string]interface{}{"assume_role": map[string]interface{}{"role_arn": "arn:aws:iam::1111:user/me"}}, `assume_role.role_arn "arn:aws:iam::1111:user/me" is not an IAM role ARN`},
		{"duration", map[string]interface{}{"assume_role": map[string]interface{}{"role_arn": "arn:aws:iam::111122223333:role/r", "duration_seconds": 60}}, "assume_role.duration_seconds 60: use 900 to 43200"},
		{"session name", map[string]interface{}{"assume_role": map[string]interface{}{"role_arn": "arn:aws:iam::111122223333:role/r", "session_name": "a b"}}, `assume_role.session_name "a b"`},
		{"both GCP credentials", map[string]interface{}{"credentials_file": "key.json", "credentials_json": `{"private_key":"` + secret + `"}`}, `credentials_file "key.json" and credentials_json are both set`},
		{"impersonated account", map[string]interface{}{"impersonate_service_account": "signer"}, `impersonate_service_account "signer" is not a service account email`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.raw["kms_key"] = "awskms:///alias/image-signing"
			var c Config
			err := c.Prepare(tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error repeats the secret: %v", err)
			}
		})
	}
	var c Config
	if err := c.Prepare(map[string]interface{}{"kms_key": "awskms:///alias/a", "assume_role": map[string]interface{}{"role_arn": "arn:aws:iam::111122223333:role/image-signer"}}); err != nil {
		t.Fatal(err)
	}
	if c.AssumeRole.SessionName != "packer-hardening-attest" {
		t.Errorf("default session name %q", c.AssumeRole.SessionName)
	}
}

// TestAssumeRoleBuild (issue 17, item 5): static keys and an assumed role
// given to hardening-attest sign, upload and tag with the role's
// credentials, through the real SDK against local STS, KMS, S3 and EC2.
func TestAssumeRoleBuild(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/image-signer"
	const secret = "base-secret-wJalrXUtnFEMI"
	b := newAWSBuild(t, []string{"eu-west-1"})
	b.env.STS.AddRole(role, "acme-images")
	p := b.postProcessor(t, map[string]interface{}{"access_key": "AKIABASEKEY000000001", "secret_key": secret,
		"assume_role": map[string]interface{}{"role_arn": role, "external_id": "acme-images", "duration_seconds": 900}})
	p.awsConfig = func(c *aws.Config) { // the fakes' endpoints, the configured credentials
		fc := b.env.Config()
		c.EC2Endpoint, c.KMSEndpoint, c.S3Endpoint, c.STSEndpoint, c.MaxBackoff = fc.EC2Endpoint, fc.KMSEndpoint, fc.S3Endpoint, fc.STSEndpoint, fc.MaxBackoff
	}
	if _, err := run(t, p, b.artifact); err != nil {
		t.Fatal(err)
	}
	sts := b.env.STS.Calls()
	if len(sts) != 1 || sts[0].AccessKey != "AKIABASEKEY000000001" || sts[0].Params["RoleSessionName"] != "packer-hardening-attest" || sts[0].Params["DurationSeconds"] != "900" {
		t.Fatalf("AssumeRole calls %+v", sts)
	}
	calls := append(b.env.KMS.Calls(), b.env.EC2.Calls()...)
	if len(calls) < 3 {
		t.Fatalf("only %d KMS and EC2 calls", len(calls))
	}
	for _, c := range calls {
		if c.AccessKey != awsfake.RoleAccessKey(1) {
			t.Errorf("%s signed by %q, not the assumed role", c.Action, c.AccessKey)
		}
	}
	grepTree(t, b.f.out, secret)
}

// TestImpersonationBuild (issue 17, item 5): a service account key in
// credentials_json and impersonate_service_account sign and label as the
// impersonated account, through the real libraries against local token,
// IAM Credentials, KMS, Compute and Cloud Storage endpoints.
func TestImpersonationBuild(t *testing.T) {
	const builder, signer = "packer@acme-ci.iam.gserviceaccount.com", "image-signer@acme-kms.iam.gserviceaccount.com"
	f := newFixture(t, "debian")
	env := gcefake.Start(t)
	env.Compute.AddImage("acme-images", gcefake.Image{Name: "debian-12-hardened-v1", ID: 42, CreationTimestamp: "2026-11-23T06:00:00.000-08:00", Architecture: "X86_64"})
	key := "projects/acme-kms/locations/global/keyRings/images/cryptoKeys/signing"
	env.KMS.AddVersion(key, true)
	env.GCS.CreateBucket("acme-attestations")
	env.IAM.AllowImpersonation(builder, signer)
	a := &fakeArtifact{builder: "packer.googlecompute", id: "debian-12-hardened-v1", state: map[string]interface{}{"ProjectId": "acme-images"}}
	keyJSON := env.IAM.ServiceAccountKey(t, builder)
	p := f.postProcessor(t, "debian", map[string]interface{}{"key_file": "", "kms_key": "gcpkms://" + key, "gcs_bucket": "acme-attestations",
		"credentials_json": string(keyJSON), "impersonate_service_account": signer})
	p.gceConfig = func(c *gce.Config) {
		fc := env.Config()
		c.ComputeEndpoint, c.KMSEndpoint, c.StorageEndpoint, c.IAMCredentialsEndpoint, c.MaxBackoff = fc.ComputeEndpoint, fc.KMSEndpoint, fc.StorageEndpoint, fc.IAMCredentialsEndpoint, fc.MaxBackoff
	}
	if _, err := run(t, p, a); err != nil {
		t.Fatal(err)
	}
	calls := append(env.KMS.Calls(), env.Compute.Calls()...)
	for _, c := range calls {
		if c.Authorization != "Bearer "+gcefake.ImpersonatedToken(signer) {
			t.Errorf("%s %s carried %q, not the impersonated token", c.Method, c.Path, c.Authorization)
		}
	}
	iam := env.IAM.Calls()
	if len(iam) != 2 || iam[0].Image != builder || iam[1].Op != "generateAccessToken" || iam[1].Image != signer {
		t.Errorf("IAM calls %+v", iam)
	}
	var k struct {
		PrivateKey string `json:"private_key"`
	}
	json.Unmarshal(keyJSON, &k)
	grepTree(t, f.out, strings.Split(k.PrivateKey, "\n")[1])
}
