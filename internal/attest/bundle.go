package attest

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// BundleMediaType is the Sigstore bundle v0.3 media type.
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// Bundle is a Sigstore bundle v0.3 in its public-key form: no
// certificate, no transparency log entry; the verifier brings the key.
type Bundle struct {
	MediaType            string               `json:"mediaType"`
	VerificationMaterial verificationMaterial `json:"verificationMaterial"`
	DSSEEnvelope         *Envelope            `json:"dsseEnvelope"`
}

type verificationMaterial struct {
	PublicKey publicKeyID `json:"publicKey"`
}

type publicKeyID struct {
	Hint string `json:"hint"`
}

// Sign signs st with s and packages it as a bundle.
func Sign(s crypto.Signer, st *Statement) ([]byte, error) {
	env, err := SignStatement(s, st)
	if err != nil {
		return nil, err
	}
	hint, err := keyHint(s.Public())
	if err != nil {
		return nil, fmt.Errorf("key hint: %w", err)
	}
	b := Bundle{MediaType: BundleMediaType, VerificationMaterial: verificationMaterial{PublicKey: publicKeyID{Hint: hint}}, DSSEEnvelope: env}
	// Compact: indenting would rescan the base64 payload for nothing.
	out, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	return append(out, '\n'), nil
}

// Verify checks a bundle against pub and returns its statement. When
// subject is non-empty, one of the statement's subjects must have that
// sha256 digest.
func Verify(bundle []byte, pub crypto.PublicKey, subjectSHA256 string) (*Statement, error) {
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(bundle))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("decode bundle: %w", err)
	}
	if b.MediaType != BundleMediaType {
		return nil, fmt.Errorf("bundle media type %q, want %q", b.MediaType, BundleMediaType)
	}
	env := b.DSSEEnvelope
	if env == nil || env.PayloadType != PayloadType || len(env.Signatures) == 0 {
		return nil, fmt.Errorf("bundle has no in-toto DSSE envelope with a signature")
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var lastErr error
	ok := false
	for _, s := range env.Signatures {
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		if err != nil {
			lastErr = fmt.Errorf("signature: %w", err)
			continue
		}
		if lastErr = verifyPAE(pub, PAE(env.PayloadType, payload), sig); lastErr == nil {
			ok = true
			break
		}
	}
	if !ok {
		return nil, fmt.Errorf("no signature verifies with the key: %w", lastErr)
	}
	var st Statement
	if err := json.Unmarshal(payload, &st); err != nil {
		return nil, fmt.Errorf("decode statement: %w", err)
	}
	if st.Type != StatementType {
		return nil, fmt.Errorf("statement type %q, want %q", st.Type, StatementType)
	}
	if subjectSHA256 != "" {
		found := false
		for _, s := range st.Subject {
			found = found || s.Digest["sha256"] == subjectSHA256
		}
		if !found {
			return nil, fmt.Errorf("no subject has sha256 %s", subjectSHA256)
		}
	}
	return &st, nil
}

// SHA256 is the hex sha256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
