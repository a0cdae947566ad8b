package gce_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

const signingKey = "projects/acme-kms/locations/global/keyRings/images/cryptoKeys/signing"

// kmsSetup gives signingKey versions 1 and 2 ENABLED and a newer 3
// DISABLED, and returns their public keys.
func kmsSetup(t *testing.T) (*gcefake.Env, *gce.Client, []*ecdsa.PublicKey) {
	t.Helper()
	env, c := setup(t)
	pubs := []*ecdsa.PublicKey{
		env.KMS.AddKey(signingKey),
		env.KMS.AddVersion(signingKey, true),
		env.KMS.AddVersion(signingKey, false),
	}
	return env, c, pubs
}

func TestKMSSigner(t *testing.T) {
	tests := []struct {
		name        string
		uri         string
		wantVersion int
		wantOps     []string
	}{
		{"newest enabled version", "gcpkms://" + signingKey, 2,
			[]string{"listVersions 200", "publicKey 200", "asymmetricSign 200"}},
		{"explicit version", "gcpkms://" + signingKey + "/cryptoKeyVersions/1", 1,
			[]string{"publicKey 200", "asymmetricSign 200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c, pubs := kmsSetup(t)
			s, err := c.Signer(context.Background(), tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			pub, ok := s.Public().(*ecdsa.PublicKey)
			if !ok || !pub.Equal(pubs[tt.wantVersion-1]) {
				t.Fatalf("Public() is not version %d's key", tt.wantVersion)
			}
			sum := sha256.Sum256([]byte("in-toto statement"))
			sig, err := s.Sign(nil, sum[:], crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if !ecdsa.VerifyASN1(pub, sum[:], sig) {
				t.Error("the signature does not verify with Public()")
			}
			calls := env.KMS.Calls()
			if got := ops(calls); !reflect.DeepEqual(got, tt.wantOps) {
				t.Errorf("calls %v, want %v", got, tt.wantOps)
			}
			// The endpoint is the bare origin; the library adds /v1/.
			wantPath := "/v1/" + signingKey + "/cryptoKeyVersions/" + strconv.Itoa(tt.wantVersion) + ":asymmetricSign"
			if last := calls[len(calls)-1]; last.Method != "POST" || last.Path != wantPath {
				t.Errorf("signed with %s %s, want POST %s", last.Method, last.Path, wantPath)
			}
		})
	}
}

func TestKMSSignerRejects(t *testing.T) {
	tests := []struct {
		name    string
		uri     string
		prepare func(*gcefake.KMS)
		// atSigner says the error comes from Signer, not Sign.
		atSigner bool
		want     []string
	}{
		{name: "corrupted signature checksum", uri: "gcpkms://" + signingKey,
			prepare: func(f *gcefake.KMS) { f.CorruptSignatureCRC = true },
			want:    []string{"sign with " + signingKey + "/cryptoKeyVersions/2", "signature CRC32C mismatch"}},
		{name: "digest checksum not verified", uri: "gcpkms://" + signingKey,
			prepare: func(f *gcefake.KMS) { f.IgnoreDigestCRC = true },
			want:    []string{"did not verify the digest CRC32C"}},
		{name: "corrupted public key checksum", uri: "gcpkms://" + signingKey, atSigner: true,
			prepare: func(f *gcefake.KMS) { f.CorruptPublicKeyCRC = true },
			want:    []string{"kms key gcpkms://" + signingKey, "pem CRC32C mismatch"}},
		{name: "another algorithm", uri: "gcpkms://" + signingKey + "/cryptoKeyVersions/1", atSigner: true,
			prepare: func(f *gcefake.KMS) { f.SetAlgorithm(signingKey+"/cryptoKeyVersions/1", "EC_SIGN_P384_SHA384") },
			want:    []string{"has algorithm EC_SIGN_P384_SHA384: only EC_SIGN_P256_SHA256 is accepted"}},
		{name: "disabled version", uri: "gcpkms://" + signingKey + "/cryptoKeyVersions/3", atSigner: true,
			want: []string{"get public key of " + signingKey + "/cryptoKeyVersions/3", "400", "not enabled"}},
		{name: "missing version", uri: "gcpkms://" + signingKey + "/cryptoKeyVersions/9", atSigner: true,
			want: []string{"get public key of " + signingKey + "/cryptoKeyVersions/9", "404"}},
		{name: "missing key", uri: "gcpkms://projects/acme-kms/locations/global/keyRings/images/cryptoKeys/other", atSigner: true,
			want: []string{"list versions of projects/acme-kms/locations/global/keyRings/images/cryptoKeys/other", "404"}},
		{name: "no enabled version", uri: "gcpkms://projects/acme-kms/locations/global/keyRings/images/cryptoKeys/retired", atSigner: true,
			prepare: func(f *gcefake.KMS) {
				f.AddVersion("projects/acme-kms/locations/global/keyRings/images/cryptoKeys/retired", false)
			},
			want: []string{"cryptoKeys/retired has no ENABLED version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c, _ := kmsSetup(t)
			if tt.prepare != nil {
				tt.prepare(env.KMS)
			}
			s, err := c.Signer(context.Background(), tt.uri)
			if tt.atSigner {
				wantErr(t, err, tt.want...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte("x"))
			_, err = s.Sign(nil, sum[:], crypto.SHA256)
			wantErr(t, err, tt.want...)
		})
	}
}

func TestKMSSignerBadURI(t *testing.T) {
	tests := []struct {
		name, uri string
	}{
		{"no key", "gcpkms://projects/p/locations/l"},
		{"another scheme", "awskms:///alias/x"},
		{"no scheme", signingKey},
		{"version not a number", "gcpkms://" + signingKey + "/cryptoKeyVersions/x"},
		{"version zero", "gcpkms://" + signingKey + "/cryptoKeyVersions/0"},
		{"trailing slash", "gcpkms://" + signingKey + "/"},
		{"query", "gcpkms://" + signingKey + "?x=1"},
		{"empty segment", "gcpkms://projects//locations/l/keyRings/r/cryptoKeys/k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c, _ := kmsSetup(t)
			_, err := c.Signer(context.Background(), tt.uri)
			wantErr(t, err, "kms key "+`"`+tt.uri+`"`, "want "+gce.KMSURIForm)
			if n := len(env.KMS.Calls()); n != 0 {
				t.Errorf("%d calls for a bad URI", n)
			}
		})
	}
}

func TestKMSSignerWrongDigest(t *testing.T) {
	sum256 := sha256.Sum256([]byte("x"))
	tests := []struct {
		name   string
		digest []byte
		opts   crypto.SignerOpts
		want   string
	}{
		{"SHA-384", make([]byte, 48), crypto.SHA384, "got 48 bytes of SHA-384"},
		{"SHA-384 name on a 32-byte digest", sum256[:], crypto.SHA384, "got 32 bytes of SHA-384"},
		{"short SHA-256 digest", sum256[:16], crypto.SHA256, "got 16 bytes of SHA-256"},
		{"no options", sum256[:], nil, "got 32 bytes of no hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c, _ := kmsSetup(t)
			s, err := c.Signer(context.Background(), "gcpkms://"+signingKey)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Sign(nil, tt.digest, tt.opts)
			wantErr(t, err, "want a 32-byte SHA-256 digest", tt.want)
			for _, call := range env.KMS.Calls() {
				if strings.HasSuffix(call.Path, ":asymmetricSign") {
					t.Errorf("a wrong digest was sent: %+v", call)
				}
			}
		})
	}
}
