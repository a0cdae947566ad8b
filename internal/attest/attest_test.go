package attest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func keys(t *testing.T) map[string]crypto.Signer {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]crypto.Signer{"ecdsa-p256": ec, "ed25519": ed}
}

func statement(t *testing.T, descriptor []byte) *Statement {
	t.Helper()
	st, err := NewStatement("https://slsa.dev/provenance/v1", []byte(`{"buildDefinition":{"buildType":"https://github.com/imagesmith/packer-plugin-hardening/buildtypes/packer/v1"}}`),
		Subject{Name: "descriptor.json", Digest: map[string]string{"sha256": SHA256(descriptor)}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSignVerifyAndTamper(t *testing.T) {
	descriptor := []byte(`{"provider":"aws","region":"eu-west-1","image_id":"ami-0123456789abcdef0"}`)
	for name, k := range keys(t) {
		b, err := Sign(k, statement(t, descriptor))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := Verify(b, k.Public(), SHA256(descriptor)); err != nil {
			t.Fatalf("%s: own bundle does not verify: %v", name, err)
		}
		if _, err := Verify(b, k.Public(), SHA256(append(descriptor, ' '))); err == nil {
			t.Errorf("%s: verified against another subject", name)
		}
		var bundle Bundle
		json.Unmarshal(b, &bundle)
		for what, mutate := range map[string]func(*Bundle){
			"payload": func(x *Bundle) {
				p, _ := base64.StdEncoding.DecodeString(x.DSSEEnvelope.Payload)
				p[len(p)/2] ^= 1
				x.DSSEEnvelope.Payload = base64.StdEncoding.EncodeToString(p)
			},
			"signature": func(x *Bundle) {
				s, _ := base64.StdEncoding.DecodeString(x.DSSEEnvelope.Signatures[0].Sig)
				s[len(s)-1] ^= 1
				x.DSSEEnvelope.Signatures[0].Sig = base64.StdEncoding.EncodeToString(s)
			},
			"payload type": func(x *Bundle) { x.DSSEEnvelope.PayloadType = "application/json" },
		} {
			c := bundle
			env := *bundle.DSSEEnvelope
			env.Signatures = append([]Signature(nil), env.Signatures...)
			c.DSSEEnvelope = &env
			mutate(&c)
			raw, _ := json.Marshal(c)
			if _, err := Verify(raw, k.Public(), ""); err == nil {
				t.Errorf("%s: a bundle with a changed %s verified", name, what)
			}
		}
		other := keys(t)[name]
		if _, err := Verify(b, other.Public(), ""); err == nil {
			t.Errorf("%s: verified with another key", name)
		}
	}
}

func TestPAE(t *testing.T) {
	// The example from the DSSE specification.
	if got := string(PAE("http://example.com/HelloWorld", []byte("hello world"))); got != "DSSEv1 29 http://example.com/HelloWorld 11 hello world" {
		t.Errorf("PAE %q", got)
	}
}

// TestVerifyOneSubject: a statement about this image and another one is
// not a statement about exactly this image.
func TestVerifyOneSubject(t *testing.T) {
	key := keys(t)["ecdsa-p256"]
	this, other := SHA256([]byte("this")), SHA256([]byte("other"))
	st, err := NewStatement(PredicateCIS, []byte(`{}`),
		Subject{Name: "other", Digest: map[string]string{"sha256": other}},
		Subject{Name: "this", Digest: map[string]string{"sha256": this}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Sign(key, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(b, key.Public(), this); err == nil || !strings.Contains(err.Error(), "2 subjects, want exactly one") {
		t.Errorf("Verify = %v, want a refusal of two subjects", err)
	}
}

// TestVerifyDuplicateKeys: two readers must not disagree about which
// payload a bundle carries.
func TestVerifyDuplicateKeys(t *testing.T) {
	key := keys(t)["ecdsa-p256"]
	b, err := Sign(key, statement(t, []byte("d")))
	if err != nil {
		t.Fatal(err)
	}
	dup := strings.Replace(string(b), `"payload":`, `"payload":"e30=","payload":`, 1)
	if _, err := Verify([]byte(dup), key.Public(), ""); err == nil || !strings.Contains(err.Error(), `duplicate key "payload"`) {
		t.Errorf("Verify = %v, want a refusal of the duplicate key", err)
	}
}
