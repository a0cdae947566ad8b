package aws

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"fmt"
	"io"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMSURIForms lists the awskms:// forms Signer accepts, as cosign does.
const KMSURIForms = "awskms:///KEY-ID, awskms:///alias/NAME, awskms:///arn:aws:kms:REGION:ACCOUNT:key/KEY-ID, awskms://HOST:PORT/KEY (a KMS endpoint)"

// KMSKey is a parsed awskms:// URI.
type KMSKey struct {
	// Endpoint is the host[:port] given in the URI, if any.
	Endpoint string
	// KeyID is a key id, alias/NAME or an ARN.
	KeyID string
	// Region is the ARN's region, if the key is given by ARN.
	Region string
}

// ParseKMSURI parses an awskms:// URI.
func ParseKMSURI(uri string) (KMSKey, error) {
	rest, ok := strings.CutPrefix(uri, "awskms://")
	if !ok {
		return KMSKey{}, fmt.Errorf("AWS KMS key %q: want %s", uri, KMSURIForms)
	}
	endpoint, id, _ := strings.Cut(rest, "/")
	k := KMSKey{Endpoint: endpoint, KeyID: id}
	switch {
	case id == "" || strings.ContainsAny(id, " \t\n"):
		return KMSKey{}, fmt.Errorf("AWS KMS key %q has no key: want %s", uri, KMSURIForms)
	case strings.HasPrefix(id, "arn:"):
		f := strings.Split(id, ":")
		if len(f) != 6 || f[2] != "kms" || f[3] == "" || !(strings.HasPrefix(f[5], "key/") || strings.HasPrefix(f[5], "alias/")) {
			return KMSKey{}, fmt.Errorf("AWS KMS key %q: %q is not a KMS key or alias ARN; want %s", uri, id, KMSURIForms)
		}
		k.Region = f[3]
	case strings.HasPrefix(id, "alias/"):
		if len(id) == len("alias/") {
			return KMSKey{}, fmt.Errorf("AWS KMS key %q: empty alias; want %s", uri, KMSURIForms)
		}
	}
	return k, nil
}

// Signer returns a crypto.Signer whose private key stays in AWS KMS. The
// key must be an ECC_NIST_P256 SIGN_VERIFY key. Config.KMSEndpoint, when
// set, wins over an endpoint in the URI; a URI endpoint is reached over
// HTTPS.
func (c *Client) Signer(ctx context.Context, uri string) (crypto.Signer, error) {
	k, err := ParseKMSURI(uri)
	if err != nil {
		return nil, err
	}
	endpoint := c.cfg.KMSEndpoint
	if endpoint == "" && k.Endpoint != "" {
		endpoint = "https://" + k.Endpoint
	}
	client := c.kms(k.Region, endpoint)
	out, err := client.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: sdk.String(k.KeyID)})
	if err != nil {
		return nil, fmt.Errorf("get public key of %s: %w", uri, err)
	}
	if out.KeySpec != types.KeySpecEccNistP256 || out.KeyUsage != types.KeyUsageTypeSignVerify {
		return nil, fmt.Errorf("AWS KMS key %s is %s for %s: accepted is ECC_NIST_P256 for SIGN_VERIFY", uri, out.KeySpec, out.KeyUsage)
	}
	pub, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("public key of %s: %w", uri, err)
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("public key of %s is not ECDSA P-256", uri)
	}
	return &kmsSigner{ctx: ctx, client: client, keyID: k.KeyID, uri: uri, pub: ec}, nil
}

type kmsSigner struct {
	// ctx is the caller's: crypto.Signer's Sign takes none.
	ctx    context.Context
	client *kms.Client
	keyID  string
	uri    string
	pub    *ecdsa.PublicKey
}

func (s *kmsSigner) Public() crypto.PublicKey { return s.pub }

// Sign signs a SHA-256 digest; KMS returns an ASN.1 DER ECDSA signature.
func (s *kmsSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil || opts.HashFunc() != crypto.SHA256 || len(digest) != 32 {
		return nil, fmt.Errorf("AWS KMS key %s signs SHA-256 digests only", s.uri)
	}
	out, err := s.client.Sign(s.ctx, &kms.SignInput{
		KeyId: sdk.String(s.keyID), Message: digest, MessageType: types.MessageTypeDigest,
		SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256,
	})
	if err != nil {
		return nil, fmt.Errorf("sign with %s: %w", s.uri, err)
	}
	return out.Signature, nil
}
