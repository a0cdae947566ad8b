package gce

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
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

var kmsURI = regexp.MustCompile(`^gcpkms://(projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+)(/cryptoKeyVersions/([0-9]+))?$`)

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// Signer returns a crypto.Signer whose private key stays in Cloud KMS. The
// key must be EC_SIGN_P256_SHA256. Without a version in the URI the newest
// ENABLED version is used.
func (c *Client) Signer(ctx context.Context, uri string) (crypto.Signer, error) {
	m := kmsURI.FindStringSubmatch(uri)
	if m == nil {
		return nil, fmt.Errorf("Cloud KMS key %q: want %s", uri, KMSURIForm)
	}
	kc, err := c.kmsClient(ctx)
	if err != nil {
		return nil, err
	}
	name := m[1] + m[2]
	if m[2] == "" {
		if name, err = c.newestVersion(ctx, kc, m[1]); err != nil {
			return nil, fmt.Errorf("Cloud KMS key %s: %w", uri, err)
		}
	}
	var pk *kmspb.PublicKey
	err = c.retry(ctx, func() error {
		var err error
		pk, err = kc.GetPublicKey(ctx, &kmspb.GetPublicKeyRequest{Name: name})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get public key of %s: %w", name, err)
	}
	if pk.GetAlgorithm() != kmspb.CryptoKeyVersion_EC_SIGN_P256_SHA256 {
		return nil, fmt.Errorf("Cloud KMS key %s is %s: accepted is EC_SIGN_P256_SHA256", name, pk.GetAlgorithm())
	}
	if crc := pk.GetPemCrc32C(); crc != nil && int64(crc32.Checksum([]byte(pk.GetPem()), crc32c)) != crc.GetValue() {
		return nil, fmt.Errorf("public key of %s: CRC32C mismatch, the response was corrupted in transit", name)
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
	return &kmsSigner{ctx: ctx, c: c, kc: kc, name: name, pub: ec}, nil
}

// newestVersion picks the ENABLED version with the highest number.
func (c *Client) newestVersion(ctx context.Context, kc *kms.KeyManagementClient, key string) (string, error) {
	it := kc.ListCryptoKeyVersions(ctx, &kmspb.ListCryptoKeyVersionsRequest{Parent: key})
	best, bestN := "", -1
	for {
		v, err := it.Next()
		if err == iterator.Done {
			break
		}
		if err != nil {
			return "", fmt.Errorf("list versions: %w", err)
		}
		if v.GetState() != kmspb.CryptoKeyVersion_ENABLED {
			continue
		}
		n, err := strconv.Atoi(v.GetName()[strings.LastIndex(v.GetName(), "/")+1:])
		if err == nil && n > bestN {
			best, bestN = v.GetName(), n
		}
	}
	if best == "" {
		return "", fmt.Errorf("no ENABLED key version")
	}
	return best, nil
}

type kmsSigner struct {
	ctx  context.Context
	c    *Client
	kc   *kms.KeyManagementClient
	name string
	pub  *ecdsa.PublicKey
}

func (s *kmsSigner) Public() crypto.PublicKey { return s.pub }

// Sign signs a SHA-256 digest. CRC32C checksums guard the digest on the way
// in and the signature on the way back.
func (s *kmsSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil || opts.HashFunc() != crypto.SHA256 || len(digest) != 32 {
		return nil, fmt.Errorf("Cloud KMS key %s signs SHA-256 digests only", s.name)
	}
	req := &kmspb.AsymmetricSignRequest{Name: s.name, Digest: &kmspb.Digest{Digest: &kmspb.Digest_Sha256{Sha256: digest}},
		DigestCrc32C: wrapperspb.Int64(int64(crc32.Checksum(digest, crc32c)))}
	var resp *kmspb.AsymmetricSignResponse
	err := s.c.retry(s.ctx, func() error {
		var err error
		resp, err = s.kc.AsymmetricSign(s.ctx, req)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sign with %s: %w", s.name, err)
	}
	if !resp.GetVerifiedDigestCrc32C() {
		return nil, fmt.Errorf("sign with %s: KMS did not verify the digest checksum", s.name)
	}
	if crc := resp.GetSignatureCrc32C(); crc == nil || int64(crc32.Checksum(resp.GetSignature(), crc32c)) != crc.GetValue() {
		return nil, fmt.Errorf("sign with %s: signature CRC32C mismatch, the response was corrupted in transit", s.name)
	}
	return resp.GetSignature(), nil
}
