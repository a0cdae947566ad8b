package attest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// junkBundle is an unsigned bundle of sigs junk signatures over a payload
// of payloadBytes: the most work a bundle-writer without the key can ask
// of Verify.
func junkBundle(sigs, payloadBytes int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"mediaType":"` + BundleMediaType + `","dsseEnvelope":{"payloadType":"` + PayloadType + `","payload":"`)
	b.WriteString(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), payloadBytes)))
	b.WriteString(`","signatures":[`)
	b.WriteString(strings.Repeat(`{"sig":"AAAA"},`, sigs-1))
	b.WriteString(`{"sig":"AAAA"}]}}`)
	return b.Bytes()
}

// TestVerifyBoundedWork: an unsigned bundle with many signatures and a
// large payload is refused quickly, whatever its signature count.
func TestVerifyBoundedWork(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	bundle := junkBundle(200_000, 8<<20)
	done := make(chan error, 1)
	go func() {
		_, err := Verify(bundle, &key.PublicKey, "")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "more than 4 signatures") {
			t.Errorf("Verify = %v, want the signature cap", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Verify of 200,000 junk signatures over 8 MiB still runs after 10 s")
	}
}

// TestVerifySignatureCap: a good signature after MaxSignatures junk ones
// is not looked for.
func TestVerifySignatureCap(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	env, err := SignStatement(key, statement(t, []byte("d")))
	if err != nil {
		t.Fatal(err)
	}
	hint, _ := keyHint(&key.PublicKey)
	for n := 1; n <= MaxSignatures+1; n++ {
		e := *env
		e.Signatures = append(make([]Signature, n-1), env.Signatures...)
		for i := range n - 1 {
			e.Signatures[i].Sig = "AAAA"
		}
		raw, _ := json.Marshal(Bundle{MediaType: BundleMediaType, VerificationMaterial: verificationMaterial{PublicKey: publicKeyID{Hint: hint}}, DSSEEnvelope: &e})
		_, err := Verify(raw, &key.PublicKey, "")
		if n <= MaxSignatures && err != nil {
			t.Errorf("%d signatures, the last good: %v", n, err)
		}
		if n > MaxSignatures && err == nil {
			t.Errorf("%d signatures accepted, the cap is %d", n, MaxSignatures)
		}
	}
}

// BenchmarkVerifyWorstCase measures the largest unsigned bundles under
// verify's 64 MiB file cap: 2,000,000 junk signatures after a 24 MiB
// payload, and one junk signature after a 47 MiB payload.
func BenchmarkVerifyWorstCase(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name          string
		sigs, payload int
	}{{"sigs=2000000,payload=24MiB", 2_000_000, 24 << 20}, {"sigs=1,payload=47MiB", 1, 47 << 20}} {
		bundle := junkBundle(c.sigs, c.payload)
		if len(bundle) > 64<<20 {
			b.Fatalf("%s: bundle of %d bytes is over the 64 MiB cap", c.name, len(bundle))
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(bundle)))
			for b.Loop() {
				if _, err := Verify(bundle, &key.PublicKey, ""); err == nil {
					b.Fatal("junk verified")
				}
			}
		})
	}
}
