package attest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Envelope is a DSSE envelope.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     string      `json:"payload"` // base64
	Signatures  []Signature `json:"signatures"`
	// decoded is the payload as Verify decodes it: straight from the JSON
	// string, without a base64 string copy of up to the file cap.
	decoded []byte
}

// Signature is one DSSE signature; keyid stays empty: the verifier is
// given the key.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"` // base64
}

// PAE is DSSE's pre-authentication encoding, the bytes actually signed.
func PAE(payloadType string, payload []byte) []byte {
	b := []byte("DSSEv1 " + strconv.Itoa(len(payloadType)) + " " + payloadType + " " + strconv.Itoa(len(payload)) + " ")
	return append(b, payload...)
}

// signPAE signs msg with s: ECDSA over its SHA-256 digest (ASN.1 DER),
// Ed25519 over the message itself.
func signPAE(s crypto.Signer, msg []byte) ([]byte, error) {
	switch s.Public().(type) {
	case *ecdsa.PublicKey:
		sum := sha256.Sum256(msg)
		return s.Sign(rand.Reader, sum[:], crypto.SHA256)
	case ed25519.PublicKey:
		return s.Sign(rand.Reader, msg, crypto.Hash(0))
	default:
		return nil, fmt.Errorf("unsupported key type %T: use ECDSA P-256 or Ed25519", s.Public())
	}
}

// paeVerifier checks signatures over one PAE with pub. The message is
// hashed once, however many signatures are tried against it.
func paeVerifier(pub crypto.PublicKey, msg []byte) (func(sig []byte) error, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		sum := sha256.Sum256(msg)
		return func(sig []byte) error {
			if !ecdsa.VerifyASN1(k, sum[:], sig) {
				return errors.New("ECDSA signature does not verify")
			}
			return nil
		}, nil
	case ed25519.PublicKey:
		return func(sig []byte) error {
			if !ed25519.Verify(k, msg, sig) {
				return errors.New("Ed25519 signature does not verify")
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", pub)
}

// SignStatement encodes st, signs it and returns the envelope.
func SignStatement(s crypto.Signer, st *Statement) (*Envelope, error) {
	payload, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encode statement: %w", err)
	}
	sig, err := signPAE(s, PAE(PayloadType, payload))
	if err != nil {
		return nil, fmt.Errorf("sign statement: %w", err)
	}
	return &Envelope{
		PayloadType: PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(payload),
		Signatures:  []Signature{{KeyID: "", Sig: base64.StdEncoding.EncodeToString(sig)}},
	}, nil
}

// keyHint is the base64 SHA-256 of the DER public key, as a bundle hint.
func keyHint(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}
