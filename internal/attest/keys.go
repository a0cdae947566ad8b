package attest

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"
)

// PEM block types ParsePrivateKey reads.
const (
	pemPrivateKey         = "PRIVATE KEY"                    // PKCS #8
	pemECPrivateKey       = "EC PRIVATE KEY"                 // SEC 1
	pemSigstorePrivateKey = "ENCRYPTED SIGSTORE PRIVATE KEY" // cosign generate-key-pair, import-key-pair
	pemCosignPrivateKey   = "ENCRYPTED COSIGN PRIVATE KEY"   // older cosign
	pemPublicKey          = "PUBLIC KEY"                     // PKIX
)

// acceptedKeys ends every error about a key of the wrong kind.
const acceptedKeys = "accepted: ECDSA P-256, Ed25519"

// ErrWrongPassword is wrapped by ParsePrivateKey's error when an encrypted
// key does not decrypt with the password it was given (or the encrypted key
// was damaged: the cipher cannot tell the two apart).
var ErrWrongPassword = errors.New("wrong password? (or a damaged key file)")

// ParsePrivateKey reads a PEM private key: PKCS #8 "PRIVATE KEY" (ECDSA P-256
// or Ed25519), SEC 1 "EC PRIVATE KEY" (P-256), or a cosign key, "ENCRYPTED
// SIGSTORE PRIVATE KEY" or "ENCRYPTED COSIGN PRIVATE KEY" (scrypt and NaCl
// secretbox around PKCS #8). password is called once, and only for an
// encrypted key; a nil password makes encrypted keys an error. "EC
// PARAMETERS" blocks before the key (openssl ecparam -genkey) are skipped.
//
// Errors name the key type or PEM block type, never key material or the
// password.
func ParsePrivateKey(pemBytes []byte, password func() ([]byte, error)) (crypto.Signer, error) {
	block, err := firstPEMBlock(pemBytes, "private key")
	if err != nil {
		return nil, err
	}
	if _, ok := block.Headers["Proc-Type"]; ok {
		return nil, fmt.Errorf("private key: %s block encrypted the legacy OpenSSL way is not supported: decrypt it (openssl pkey) or import it into cosign (cosign import-key-pair)", block.Type)
	}
	switch block.Type {
	case pemPrivateKey:
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("private key: parse PKCS #8: %w (%s)", err, acceptedKeys)
		}
		return checkPrivateKey(k)
	case pemECPrivateKey:
		k, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("private key: parse SEC 1 EC key: %w (%s)", err, acceptedKeys)
		}
		return checkPrivateKey(k)
	case pemSigstorePrivateKey, pemCosignPrivateKey:
		return parseCosignKey(block, password)
	case "RSA PRIVATE KEY":
		return nil, fmt.Errorf("private key: unsupported key type RSA (PKCS #1): %s", acceptedKeys)
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("private key: password-protected PKCS #8 (ENCRYPTED PRIVATE KEY) is not supported: import it into cosign (cosign import-key-pair) or decrypt it (openssl pkcs8)")
	case "OPENSSH PRIVATE KEY":
		return nil, errors.New("private key: OpenSSH keys are not supported: convert to PKCS #8 (ssh-keygen -p -m PKCS8) or import into cosign (cosign import-key-pair)")
	case pemPublicKey:
		return nil, errors.New("private key: got a PUBLIC KEY block where a private key was expected")
	default:
		return nil, fmt.Errorf("private key: unsupported PEM block %q: want %q, %q, %q or %q",
			block.Type, pemPrivateKey, pemECPrivateKey, pemSigstorePrivateKey, pemCosignPrivateKey)
	}
}

// parseCosignKey decrypts a cosign-encrypted key: the PEM body is the JSON
// of go-securesystemslib's encrypted package around a PKCS #8 key.
func parseCosignKey(block *pem.Block, password func() ([]byte, error)) (crypto.Signer, error) {
	if password == nil {
		return nil, fmt.Errorf("private key: %s needs a password and none was given", block.Type)
	}
	pw, err := password()
	if err != nil {
		return nil, fmt.Errorf("private key: password for %s: %w", block.Type, err)
	}
	der, err := encrypted.Decrypt(block.Bytes, pw)
	if err != nil {
		// The package's only error after the KDF has run: secretbox
		// authentication failed.
		if strings.HasSuffix(err.Error(), "decryption failed") {
			return nil, fmt.Errorf("private key: decrypt %s: %w", block.Type, ErrWrongPassword)
		}
		return nil, fmt.Errorf("private key: decrypt %s: malformed encrypted key: %w", block.Type, err)
	}
	defer clear(der)
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("private key: %s: parse the decrypted PKCS #8 key: %w (%s)", block.Type, err, acceptedKeys)
	}
	return checkPrivateKey(k)
}

// firstPEMBlock is the first PEM block of b that is not "EC PARAMETERS".
func firstPEMBlock(b []byte, what string) (*pem.Block, error) {
	for {
		block, rest := pem.Decode(b)
		if block == nil {
			return nil, fmt.Errorf("%s: no PEM block found", what)
		}
		if block.Type != "EC PARAMETERS" {
			return block, nil
		}
		b = rest
	}
}

// checkPrivateKey accepts ECDSA P-256 and Ed25519 private keys.
func checkPrivateKey(k any) (crypto.Signer, error) {
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("private key: unsupported key type %s: %s", keyTypeName(k), acceptedKeys)
	}
	if err := checkPublicKey(s.Public()); err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	return s, nil
}

// checkPublicKey accepts ECDSA P-256 and Ed25519 public keys.
func checkPublicKey(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return nil
		}
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			return nil
		}
	}
	return fmt.Errorf("unsupported key type %s: %s", keyTypeName(pub), acceptedKeys)
}

// keyTypeName names a key's algorithm (and curve or size) for errors.
func keyTypeName(k any) string {
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		return keyTypeName(&k.PublicKey)
	case *ecdsa.PublicKey:
		if k.Curve == nil {
			return "ECDSA"
		}
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "Ed25519"
	case *rsa.PrivateKey:
		return keyTypeName(&k.PublicKey)
	case *rsa.PublicKey:
		if k.N == nil {
			return "RSA"
		}
		return fmt.Sprintf("RSA %d-bit", k.N.BitLen())
	case *ecdh.PrivateKey:
		return fmt.Sprintf("ECDH %v (key agreement only)", k.Curve())
	case *ecdh.PublicKey:
		return fmt.Sprintf("ECDH %v (key agreement only)", k.Curve())
	default:
		return fmt.Sprintf("%T", k)
	}
}

// PublicKeyPEM encodes an ECDSA P-256 or Ed25519 public key as a PKIX
// "PUBLIC KEY" PEM block, the form of cosign.pub.
func PublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	if _, ok := pub.(crypto.Signer); ok {
		return nil, fmt.Errorf("public key: got a private key (%s): pass its Public()", keyTypeName(pub))
	}
	if err := checkPublicKey(pub); err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublicKey, Bytes: der}), nil
}

// ParsePublicKey reads a PKIX "PUBLIC KEY" PEM block (cosign.pub) holding an
// ECDSA P-256 or Ed25519 key.
func ParsePublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("public key: no PEM block found")
	}
	switch {
	case block.Type == pemPublicKey:
	case block.Type == "RSA PUBLIC KEY":
		return nil, fmt.Errorf("public key: unsupported key type RSA (PKCS #1): %s", acceptedKeys)
	case strings.Contains(block.Type, "PRIVATE KEY"):
		return nil, fmt.Errorf("public key: got a %s block where a public key was expected", block.Type)
	default:
		return nil, fmt.Errorf("public key: unsupported PEM block %q: want %q", block.Type, pemPublicKey)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: parse PKIX: %w (%s)", err, acceptedKeys)
	}
	if err := checkPublicKey(pub); err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return pub, nil
}
