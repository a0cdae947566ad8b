package aws_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"reflect"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
)

func TestKMSSigner(t *testing.T) {
	tests := []struct {
		name string
		// uri builds the key's URI from the fake.
		uri func(env *awsfake.Env, id string) string
		// https sends the client to the fake's HTTPS endpoint, with no
		// Config.KMSEndpoint, as a real endpoint in the URI is reached.
		https      bool
		wantRegion string
	}{
		{"key id", func(_ *awsfake.Env, id string) string { return "awskms:///" + id }, false, "us-east-1"},
		{"alias", func(*awsfake.Env, string) string { return "awskms:///alias/image-signing" }, false, "us-east-1"},
		{"ARN names the region", func(env *awsfake.Env, id string) string { return "awskms:///" + env.KMS.ARN(id) }, false, "eu-central-1"},
		{"alias ARN", func(*awsfake.Env, string) string {
			return "awskms:///arn:aws:kms:eu-central-1:111122223333:alias/image-signing"
		}, false, "eu-central-1"},
		{"endpoint in the URI, Config.KMSEndpoint wins", func(*awsfake.Env, string) string {
			return "awskms://kms.example.internal:4566/alias/image-signing"
		}, false, "us-east-1"},
		{"endpoint in the URI over HTTPS", func(env *awsfake.Env, _ string) string {
			return "awskms://" + env.KMS.HTTPSHost() + "/alias/image-signing"
		}, true, "us-east-1"},
		{"ARN after an endpoint", func(env *awsfake.Env, id string) string {
			return "awskms://" + env.KMS.HTTPSHost() + "/" + env.KMS.ARN(id)
		}, true, "eu-central-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := awsfake.Start(t)
			env.KMS.Region = "eu-central-1" // the region of the ARNs it reports
			id, pub := env.KMS.AddKey("image-signing")
			cfg := env.Config()
			if tt.https {
				cfg.KMSEndpoint = ""
				cfg.HTTPClient = env.KMS.HTTPSClient()
			}
			uri := tt.uri(env, id)
			s, err := newClient(t, cfg).Signer(context.Background(), uri)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := s.Public().(*ecdsa.PublicKey); !ok || !got.Equal(pub) {
				t.Fatal("public key differs from the KMS key's")
			}
			sum := sha256.Sum256([]byte("statement"))
			sig, err := s.Sign(nil, sum[:], crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if !ecdsa.VerifyASN1(pub, sum[:], sig) {
				t.Error("signature does not verify")
			}
			var got []string
			for _, c := range env.KMS.Calls() {
				got = append(got, c.Action+" "+c.Region)
			}
			if want := []string{"GetPublicKey " + tt.wantRegion, "Sign " + tt.wantRegion}; !reflect.DeepEqual(got, want) {
				t.Errorf("KMS calls %v, want %v", got, want)
			}
		})
	}
}

func TestKMSSignerRejectsInput(t *testing.T) {
	env := awsfake.Start(t)
	env.KMS.AddKey("image-signing")
	s, err := newClient(t, env.Config()).Signer(context.Background(), "awskms:///alias/image-signing")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("statement"))
	tests := []struct {
		name   string
		digest []byte
		opts   crypto.SignerOpts
		want   string
	}{
		{"SHA-512", make([]byte, 64), crypto.SHA512, "the key signs SHA-256 digests only, got hash SHA-512"},
		{"no hash", []byte("a message, not a digest"), crypto.Hash(0), "got hash none"},
		{"short digest", sum[:20], crypto.SHA256, "digest of 20 bytes, want a 32-byte SHA-256 digest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Sign(nil, tt.digest, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "awskms:///alias/image-signing") {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	for _, c := range env.KMS.Calls() {
		if c.Action == "Sign" {
			t.Error("a refused input reached KMS")
		}
	}
}

func TestKMSSignerStopsWithItsContext(t *testing.T) {
	env := awsfake.Start(t)
	env.KMS.AddKey("image-signing")
	ctx, cancel := context.WithCancel(context.Background())
	s, err := newClient(t, env.Config()).Signer(ctx, "awskms:///alias/image-signing")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	sum := sha256.Sum256([]byte("statement"))
	if _, err := s.Sign(nil, sum[:], crypto.SHA256); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("signed after its context was cancelled: %v", err)
	}
}

func TestKMSSignerRejectsKeys(t *testing.T) {
	tests := []struct {
		name, spec, usage, want string
	}{
		{"P-384", "ECC_NIST_P384", "SIGN_VERIFY", "is a ECC_NIST_P384 key for SIGN_VERIFY: accepted is an ECC_NIST_P256 key for SIGN_VERIFY"},
		{"RSA", "RSA_2048", "SIGN_VERIFY", "is a RSA_2048 key for SIGN_VERIFY: accepted is an ECC_NIST_P256 key for SIGN_VERIFY"},
		{"P-256 for key agreement", "ECC_NIST_P256", "KEY_AGREEMENT", "is a ECC_NIST_P256 key for KEY_AGREEMENT: accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := awsfake.Start(t)
			env.KMS.AddKeySpec("other", tt.spec, tt.usage)
			_, err := newClient(t, env.Config()).Signer(context.Background(), "awskms:///alias/other")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "awskms:///alias/other in us-east-1") {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestKMSSignerBadURIs(t *testing.T) {
	env := awsfake.Start(t)
	c := newClient(t, env.Config())
	tests := []struct{ name, uri, want string }{
		{"other scheme", "gcpkms://projects/p", `AWS KMS key "gcpkms://projects/p": want awskms:///KEY-ID, awskms:///alias/NAME`},
		{"no key", "awskms://", "has no key"},
		{"no key after the endpoint", "awskms://localhost:4566/", "has no key"},
		{"empty alias", "awskms:///alias/", "empty alias"},
		{"alias with a space", "awskms:///alias/my key", "alias names have only letters, digits"},
		{"not a key id", "awskms:///my-key", `"my-key" is not a key id, alias or ARN`},
		{"S3 ARN", "awskms:///arn:aws:s3:::bucket", "is not a KMS key or alias ARN"},
		{"ARN without an account", "awskms:///arn:aws:kms:us-east-1::key/1234abcd-12ab-34cd-56ef-1234567890ab", "is not a KMS key or alias ARN"},
		{"endpoint with a scheme", "awskms://https:/localhost/alias/x", `endpoint "https:" is not HOST[:PORT]`},
		{"unknown alias", "awskms:///alias/missing", "get public key of awskms:///alias/missing in us-east-1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Signer(context.Background(), tt.uri)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseKMSURI(t *testing.T) {
	tests := []struct {
		uri  string
		want aws.KMSKey
	}{
		{"awskms:///1234abcd-12ab-34cd-56ef-1234567890ab", aws.KMSKey{KeyID: "1234abcd-12ab-34cd-56ef-1234567890ab"}},
		{"awskms:///mrk-1234abcd12ab34cd56ef1234567890ab", aws.KMSKey{KeyID: "mrk-1234abcd12ab34cd56ef1234567890ab"}},
		{"awskms:///alias/team/image-signing_2", aws.KMSKey{KeyID: "alias/team/image-signing_2"}},
		{"awskms://localhost:4566/alias/x", aws.KMSKey{Endpoint: "localhost:4566", KeyID: "alias/x"}},
		{"awskms://[::1]:4566/alias/x", aws.KMSKey{Endpoint: "[::1]:4566", KeyID: "alias/x"}},
		{"awskms:///arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
			aws.KMSKey{KeyID: "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", Region: "us-gov-west-1"}},
		{"awskms:///arn:aws:kms:eu-west-1:111122223333:alias/x", aws.KMSKey{KeyID: "arn:aws:kms:eu-west-1:111122223333:alias/x", Region: "eu-west-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			got, err := aws.ParseKMSURI(tt.uri)
			if err != nil || got != tt.want {
				t.Errorf("got %+v %v, want %+v", got, err, tt.want)
			}
		})
	}
}
