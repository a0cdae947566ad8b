package gce

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"regexp"
	"strconv"
	"strings"

	kms "cloud.google.com/go/kms/apiv1"
	"cloud.google.com/go/kms/apiv1/kmspb"
	"google.golang.org/api/iterator"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// KMSURIForm is the gcpkms:// form Signer accepts, as cosign does.
const KMSURIForm = "gcpkms://projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY[/cryptoKeyVersions/N]"

// kmsURI matches KMSURIForm. Segments are limited to the characters
// resource ids may have, since the library puts them in the URL path
// unescaped.
var kmsURI = regexp.MustCompile(`^gcpkms://(projects/[a-zA-Z0-9._:-]+/locations/[a-zA-Z0-9_-]+/keyRings/[a-zA-Z0-9_-]+/cryptoKeys/[a-zA-Z0-9_-]+)(/cryptoKeyVersions/[1-9][0-9]*)?$`)

var crc32c = crc32.MakeTable(crc32.Castagnoli)

func checksum(b []byte) int64 { return int64(crc32.Checksum(b, crc32c)) }

// Signer returns a crypto.Signer whose private key stays in Cloud KMS. The
// URI names a key version, or a key: then the ENABLED version with the
// highest number, which is the newest, is used, as versions are numbered
// in creation order. The version must be EC_SIGN_P256_SHA256. The
// signer's Sign uses ctx, as crypto.Signer has no context of its own:
// cancelling ctx stops signing.
func (c *Client) Signer(ctx context.Context, uri string) (crypto.Signer, error) {
	m := kmsURI.FindStringSubmatch(uri)
	if m == nil {
		return nil, fmt.Errorf("kms key %q: want %s", uri, KMSURIForm)
	}
	kc, err := c.kmsClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("kms key %s: %w", uri, err)
	}
	name := m[1] + m[2]
	if m[2] == "" {
		if name, err = c.newestVersion(ctx, kc, m[1]); err != nil {
			return nil, fmt.Errorf("kms key %s: %w", uri, err)
		}
	}
	pub, err := c.publicKey(ctx, kc, name)
	if err != nil {
		return nil, fmt.Errorf("kms key %s: %w", uri, err)
	}
	return &kmsSigner{ctx: ctx, c: c, kc: kc, name: name, pub: pub}, nil
}

// newestVersion picks the ENABLED version of key with the highest number.
func (c *Client) newestVersion(ctx context.Context, kc *kms.KeyManagementClient, key string) (string, error) {
	var best string
	bestN := 0
	err := c.retry(ctx, func() error {
		best, bestN = "", 0
		it := kc.ListCryptoKeyVersions(ctx, &kmspb.ListCryptoKeyVersionsRequest{Parent: key}, noLibraryRetry)
		for {
			v, err := it.Next()
			if errors.Is(err, iterator.Done) {
				return nil
			}
			if err != nil {
				return err
			}
			if v.GetState() != kmspb.CryptoKeyVersion_ENABLED {
				continue
			}
			n, err := strconv.Atoi(v.GetName()[strings.LastIndex(v.GetName(), "/")+1:])
			if err == nil && n > bestN {
				best, bestN = v.GetName(), n
			}
		}
	})
	if err != nil {
		return "", fmt.Errorf("list versions of %s: %w", key, err)
	}
	if best == "" {
		return "", fmt.Errorf("key %s has no ENABLED version", key)
	}
	return best, nil
}

// publicKey gets the public key of version name, checking its algorithm
// and the checksum of the PEM.
func (c *Client) publicKey(ctx context.Context, kc *kms.KeyManagementClient, name string) (*ecdsa.PublicKey, error) {
	var pk *kmspb.PublicKey
	err := c.retry(ctx, func() error {
		var err error
		pk, err = kc.GetPublicKey(ctx, &kmspb.GetPublicKeyRequest{Name: name}, noLibraryRetry)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get public key of %s: %w", name, err)
	}
	if alg := pk.GetAlgorithm(); alg != kmspb.CryptoKeyVersion_EC_SIGN_P256_SHA256 {
		return nil, fmt.Errorf("version %s has algorithm %s: only EC_SIGN_P256_SHA256 is accepted", name, alg)
	}
	if crc := pk.GetPemCrc32C(); crc != nil && checksum([]byte(pk.GetPem())) != crc.GetValue() {
		return nil, fmt.Errorf("public key of %s: pem CRC32C mismatch, the response was corrupted in transit", name)
	}
	block, _ := pem.Decode([]byte(pk.GetPem()))
	if block == nil {
		return nil, fmt.Errorf("public key of %s: no PEM block", name)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key of %s: %w", name, err)
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("public key of %s is not ECDSA P-256", name)
	}
	return ec, nil
}

type kmsSigner struct {
	// ctx is Signer's: crypto.Signer's Sign takes none.
	ctx  context.Context
	c    *Client
	kc   *kms.KeyManagementClient
	name string
	pub  *ecdsa.PublicKey
}

// Public returns the version's *ecdsa.PublicKey.
func (s *kmsSigner) Public() crypto.PublicKey { return s.pub }

// Sign signs a SHA-256 digest and returns the ASN.1 DER signature. CRC32C
// checksums guard the digest on the way in (KMS says it checked it) and
// the signature on the way back.
func (s *kmsSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil || opts.HashFunc() != crypto.SHA256 || len(digest) != 32 {
		hash := "no hash"
		if opts != nil {
			hash = opts.HashFunc().String()
		}
		return nil, fmt.Errorf("sign with %s: want a 32-byte SHA-256 digest, got %d bytes of %s", s.name, len(digest), hash)
	}
	req := &kmspb.AsymmetricSignRequest{Name: s.name, Digest: &kmspb.Digest{Digest: &kmspb.Digest_Sha256{Sha256: digest}},
		DigestCrc32C: wrapperspb.Int64(checksum(digest))}
	var resp *kmspb.AsymmetricSignResponse
	err := s.c.retry(s.ctx, func() error {
		var err error
		resp, err = s.kc.AsymmetricSign(s.ctx, req, noLibraryRetry)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sign with %s: %w", s.name, err)
	}
	if resp.GetName() != s.name {
		return nil, fmt.Errorf("sign with %s: the reply is for %q", s.name, resp.GetName())
	}
	if !resp.GetVerifiedDigestCrc32C() {
		return nil, fmt.Errorf("sign with %s: kms did not verify the digest CRC32C, the request may have been corrupted in transit", s.name)
	}
	if crc := resp.GetSignatureCrc32C(); crc == nil || checksum(resp.GetSignature()) != crc.GetValue() {
		return nil, fmt.Errorf("sign with %s: signature CRC32C mismatch, the response was corrupted in transit", s.name)
	}
	return resp.GetSignature(), nil
}
