package aws

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMSURIForms lists the awskms:// forms Signer accepts, as cosign does.
const KMSURIForms = "awskms:///KEY-ID, awskms:///alias/NAME, awskms:///arn:aws:kms:REGION:ACCOUNT:key/KEY-ID, awskms:///arn:aws:kms:REGION:ACCOUNT:alias/NAME, or any of them after a KMS endpoint: awskms://HOST:PORT/KEY"

// The key forms of sigstore's awskms provider: key ids are UUIDs, with an
// mrk- prefix for multi-region keys; ARNs have a 12-digit account. The
// aws-cn partition is accepted too, since its keys work the same way.
var (
	kmsKeyID    = regexp.MustCompile(`^(mrk-)?[A-Fa-f0-9]{8}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{12}$`)
	kmsAlias    = regexp.MustCompile(`^alias/[A-Za-z0-9/_-]+$`)
	kmsARN      = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):[0-9]{12}:(key/(mrk-)?[A-Fa-f0-9-]+|alias/[A-Za-z0-9/_-]+)$`)
	kmsEndpoint = regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)
)

// KMSKey is a parsed awskms:// URI.
type KMSKey struct {
	// Endpoint is the host[:port] given in the URI, if any.
	Endpoint string
	// KeyID is a key id, alias/NAME or an ARN, as KMS takes it.
	KeyID string
	// Region is the ARN's region, if the key is given by ARN.
	Region string
}

// ParseKMSURI parses an awskms:// URI in cosign's syntax,
// awskms://[ENDPOINT]/[ID/ALIAS/ARN].
func ParseKMSURI(uri string) (KMSKey, error) {
	rest, ok := strings.CutPrefix(uri, "awskms://")
	if !ok {
		return KMSKey{}, fmt.Errorf("AWS KMS key %q: want %s", uri, KMSURIForms)
	}
	endpoint, id, _ := strings.Cut(rest, "/")
	k := KMSKey{Endpoint: endpoint, KeyID: id}
	if endpoint != "" && !kmsEndpoint.MatchString(endpoint) {
		return KMSKey{}, fmt.Errorf("AWS KMS key %q: endpoint %q is not HOST[:PORT]; want %s", uri, endpoint, KMSURIForms)
	}
	switch {
	case id == "":
		return KMSKey{}, fmt.Errorf("AWS KMS key %q has no key: want %s", uri, KMSURIForms)
	case strings.HasPrefix(id, "arn:"):
		m := kmsARN.FindStringSubmatch(id)
		if m == nil {
			return KMSKey{}, fmt.Errorf("AWS KMS key %q: %q is not a KMS key or alias ARN; want %s", uri, id, KMSURIForms)
		}
		k.Region = m[2]
	case strings.HasPrefix(id, "alias/"):
		if id == "alias/" {
			return KMSKey{}, fmt.Errorf("AWS KMS key %q: empty alias; want %s", uri, KMSURIForms)
		}
		if !kmsAlias.MatchString(id) {
			return KMSKey{}, fmt.Errorf("AWS KMS key %q: alias names have only letters, digits, /, _ and -; want %s", uri, KMSURIForms)
		}
	case !kmsKeyID.MatchString(id):
		return KMSKey{}, fmt.Errorf("AWS KMS key %q: %q is not a key id, alias or ARN; want %s", uri, id, KMSURIForms)
	}
	return k, nil
}

// Signer returns a crypto.Signer whose private key stays in AWS KMS. The
// key must be an ECC_NIST_P256 key for SIGN_VERIFY; its public key is
// fetched once, here.
//
// The key's region is the ARN's when the key is given by ARN, else
// Config.Region. An endpoint in the URI is reached over HTTPS, as cosign
// does; Config.KMSEndpoint, when set, wins over it, so that tests and VPC
// endpoints can redirect every key, whatever its URI says.
//
// The returned signer keeps ctx for its Sign calls, since crypto.Signer's
// Sign takes no context: it stops signing once ctx is done.
func (c *Client) Signer(ctx context.Context, uri string) (crypto.Signer, error) {
	k, err := ParseKMSURI(uri)
	if err != nil {
		return nil, err
	}
	region, err := c.region(k.Region)
	if err != nil {
		return nil, fmt.Errorf("AWS KMS key %s: %w", uri, err)
	}
	endpoint := c.cfg.KMSEndpoint
	if endpoint == "" && k.Endpoint != "" {
		endpoint = (&url.URL{Scheme: "https", Host: k.Endpoint}).String()
	}
	client := c.kms(region, endpoint)
	out, err := client.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: sdk.String(k.KeyID)})
	if err != nil {
		return nil, fmt.Errorf("get public key of %s in %s: %w", uri, region, err)
	}
	if out.KeySpec != types.KeySpecEccNistP256 || out.KeyUsage != types.KeyUsageTypeSignVerify {
		return nil, fmt.Errorf("AWS KMS key %s in %s is a %s key for %s: accepted is an ECC_NIST_P256 key for SIGN_VERIFY", uri, region, out.KeySpec, out.KeyUsage)
	}
	pub, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("public key of %s in %s: %w", uri, region, err)
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("public key of %s in %s is not ECDSA P-256", uri, region)
	}
	return &kmsSigner{ctx: ctx, client: client, keyID: k.KeyID, uri: uri, region: region, pub: ec}, nil
}

type kmsSigner struct {
	// ctx is the caller's: crypto.Signer's Sign takes none.
	ctx    context.Context
	client *kms.Client
	keyID  string
	uri    string
	region string
	pub    *ecdsa.PublicKey
}

// Public returns the key's *ecdsa.PublicKey, as fetched by Signer.
func (s *kmsSigner) Public() crypto.PublicKey { return s.pub }

// Sign signs a SHA-256 digest with ECDSA_SHA_256; KMS hashes nothing
// (MessageType DIGEST) and returns an ASN.1 DER signature, returned as is.
func (s *kmsSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil || opts.HashFunc() != crypto.SHA256 {
		return nil, fmt.Errorf("sign with %s: the key signs SHA-256 digests only, got hash %v", s.uri, hashName(opts))
	}
	if len(digest) != crypto.SHA256.Size() {
		return nil, fmt.Errorf("sign with %s: digest of %d bytes, want a %d-byte SHA-256 digest", s.uri, len(digest), crypto.SHA256.Size())
	}
	out, err := s.client.Sign(s.ctx, &kms.SignInput{
		KeyId: sdk.String(s.keyID), Message: digest, MessageType: types.MessageTypeDigest,
		SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256,
	})
	if err != nil {
		return nil, fmt.Errorf("sign with %s in %s: %w", s.uri, s.region, err)
	}
	return out.Signature, nil
}

// hashName names the hash of opts for an error message.
func hashName(opts crypto.SignerOpts) string {
	if opts == nil || opts.HashFunc() == 0 {
		return "none"
	}
	return opts.HashFunc().String()
}
