package attest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
)

// FuzzVerify feeds arbitrary bundles to Verify: it must never panic, and
// must never accept anything the key did not sign over the subject.
func FuzzVerify(f *testing.F) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	subject := Subject{Name: "descriptor.json", Digest: map[string]string{"sha256": SHA256([]byte("descriptor"))}}
	st, err := NewStatement(PredicateSLSAProvenance, []byte(`{"buildDefinition":{}}`), subject)
	if err != nil {
		f.Fatal(err)
	}
	good, err := Sign(key, st)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AA=="}]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Verify(b, &key.PublicKey, subject.Digest["sha256"])
		if err != nil {
			return
		}
		// Accepted: it must be a statement about the subject, signed by key.
		if got.Type != StatementType || len(got.Subject) != 1 || got.Subject[0].Digest["sha256"] != subject.Digest["sha256"] {
			t.Fatalf("accepted a bundle without a proper statement: %q", b)
		}
	})
}
