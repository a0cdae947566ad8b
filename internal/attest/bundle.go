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

// MaxSignatures is how many signatures an envelope may carry. We and
// cosign write one; the cap bounds the work an unsigned bundle can cause.
const MaxSignatures = 4

// Verify checks a bundle against pub and returns its statement. When
// subjectSHA256 is non-empty, the statement must have exactly one subject,
// with that sha256 digest.
func Verify(bundle []byte, pub crypto.PublicKey, subjectSHA256 string) (*Statement, error) {
	b, err := decodeBundle(bundle)
	if err != nil {
		return nil, fmt.Errorf("decode bundle: %w", err)
	}
	if b.MediaType != BundleMediaType {
		return nil, fmt.Errorf("bundle media type %q, want %q", b.MediaType, BundleMediaType)
	}
	env := b.DSSEEnvelope
	if env == nil || env.PayloadType != PayloadType || len(env.Signatures) == 0 {
		return nil, fmt.Errorf("bundle has no in-toto DSSE envelope with a signature")
	}
	payload := env.decoded
	check, err := paeVerifier(pub, PAE(env.PayloadType, payload))
	if err != nil {
		return nil, err
	}
	var lastErr error
	ok := false
	for _, s := range env.Signatures {
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		if err != nil {
			lastErr = fmt.Errorf("signature: %w", err)
			continue
		}
		if lastErr = check(sig); lastErr == nil {
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
		if len(st.Subject) != 1 {
			return nil, fmt.Errorf("statement has %d subjects, want exactly one", len(st.Subject))
		}
		if got := st.Subject[0].Digest["sha256"]; got != subjectSHA256 {
			return nil, fmt.Errorf("subject has sha256 %q, want %s", got, subjectSHA256)
		}
	}
	return &st, nil
}

// SHA256 is the hex sha256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// decodeBundle decodes a bundle token by token, so that the work it does is
// bounded by the bundle's size alone: it stops at the first signature past
// MaxSignatures instead of decoding them all, and refuses duplicate keys.
func decodeBundle(raw []byte) (*Bundle, error) {
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(raw))
	err := decodeObject(dec, func(key string) error {
		switch key {
		case "mediaType":
			return dec.Decode(&b.MediaType)
		case "verificationMaterial":
			return dec.Decode(&b.VerificationMaterial)
		case "dsseEnvelope":
			env, err := decodeEnvelope(dec)
			b.DSSEEnvelope = env
			return err
		}
		return skipValue(dec)
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func decodeEnvelope(dec *json.Decoder) (*Envelope, error) {
	var env Envelope
	err := decodeObject(dec, func(key string) error {
		switch key {
		case "payloadType":
			return dec.Decode(&env.PayloadType)
		case "payload":
			// encoding/json decodes a []byte from standard base64.
			return dec.Decode(&env.decoded)
		case "signatures":
			return decodeArray(dec, func() error {
				if len(env.Signatures) == MaxSignatures {
					return fmt.Errorf("more than %d signatures", MaxSignatures)
				}
				var s Signature
				err := dec.Decode(&s)
				env.Signatures = append(env.Signatures, s)
				return err
			})
		}
		return skipValue(dec)
	})
	return &env, err
}

// decodeObject reads one JSON object, calling field for each key with the
// decoder positioned at its value.
func decodeObject(dec *json.Decoder, field func(key string) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if err := field(key); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return expectDelim(dec, '}')
}

// decodeArray reads one JSON array, calling elem with the decoder
// positioned at each element.
func decodeArray(dec *json.Decoder, elem func() error) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for dec.More() {
		if err := elem(); err != nil {
			return err
		}
	}
	return expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("got %v, want %q", t, want)
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}
