package aws_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
)

// countingTransport counts the requests it sends.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// TestHTTPClient checks that Config.HTTPClient carries every service's
// requests, also with AWS_CA_BUNDLE set, which makes the SDK refuse any
// client but its own when given one at load time.
func TestHTTPClient(t *testing.T) {
	env, _, refs := setup(t)
	t.Setenv("AWS_CA_BUNDLE", writeCA(t))
	env.KMS.AddKey("image-signing")
	if err := env.S3.CreateBucket("attestations"); err != nil {
		t.Fatal(err)
	}
	tr := &countingTransport{}
	cfg := env.Config()
	cfg.HTTPClient = &http.Client{Transport: tr}
	c := newClient(t, cfg)
	ctx := context.Background()
	if _, err := c.DescribeImage(ctx, refs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, "attestations", "k", []byte("x"), "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Signer(ctx, "awskms:///alias/image-signing"); err != nil {
		t.Fatal(err)
	}
	if n := tr.n.Load(); n != 3 {
		t.Errorf("%d requests through Config.HTTPClient, want 3", n)
	}
}

// writeCA writes a self-signed CA certificate and returns its path.
func writeCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNewReportsProfile(t *testing.T) {
	setup(t) // isolates the test from the machine's AWS configuration
	_, err := aws.New(context.Background(), aws.Config{Profile: "no-such-profile", Region: "eu-west-1"})
	if err == nil || !strings.Contains(err.Error(), "load AWS configuration (profile no-such-profile)") {
		t.Errorf("error %v", err)
	}
}
