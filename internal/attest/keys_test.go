package attest

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"
)

// generateKey is a fresh ECDSA P-256 key, cosign's default.
func generateKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func generateEd25519(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var sharedRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// rsa2048 is one RSA key for the tests that check RSA is refused.
func rsa2048(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := sharedRSAKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func pkcs8PEM(t testing.TB, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock("PRIVATE KEY", der)
}

func sec1PEM(t testing.TB, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock("EC PRIVATE KEY", der)
}

// cosignPEM encrypts k the way cosign's generate-key-pair and
// import-key-pair do: PKCS #8, go-securesystemslib's encrypted package
// (scrypt, NaCl secretbox), the JSON as the body of a PEM block.
func cosignPEM(t testing.TB, typ string, k any, password string, level encrypted.KDFParameterStrength) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := encrypted.EncryptWithCustomKDFParameters(der, []byte(password), level)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock(typ, enc)
}

// encryptLater is cosignPEM run when a (parallel) subtest needs it: scrypt
// takes about 100 ms.
func encryptLater(typ string, k any, password string, level encrypted.KDFParameterStrength) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		t.Helper()
		return cosignPEM(t, typ, k, password, level)
	}
}

func TestParsePrivateKey(t *testing.T) {
	const password = "correct horse battery staple"
	p256, ed := generateKey(t), generateEd25519(t)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey := rsa2048(t)
	x25519, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecParams, err := x509.MarshalPKIXPublicKey(&p256.PublicKey) // any bytes do: the block is skipped
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := PublicKeyPEM(p256.Public())
	if err != nil {
		t.Fatal(err)
	}
	legacyEncrypted := sec1PEM(t, p256)
	legacyEncrypted = []byte(strings.Replace(string(legacyEncrypted), "-----\n", "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n", 1))

	type pwMode int
	const (
		noPassword pwMode = iota // password func must not be called
		right
		wrong
		empty
		nilFunc
		failing
	)
	cases := []struct {
		name    string
		pem     []byte
		lazy    func(testing.TB) []byte // makes pem in the subtest
		pw      pwMode
		want    crypto.PublicKey // nil: an error containing all of errs
		errs    []string
		wrongPW bool // the error wraps ErrWrongPassword
	}{
		{name: "PKCS8 ECDSA P-256", pem: pkcs8PEM(t, p256), want: p256.Public()},
		{name: "PKCS8 Ed25519", pem: pkcs8PEM(t, ed), want: ed.Public()},
		{name: "SEC1 P-256", pem: sec1PEM(t, p256), want: p256.Public()},
		{name: "SEC1 after EC PARAMETERS and text", pem: append([]byte("openssl ecparam -genkey output\n"), append(pemBlock("EC PARAMETERS", ecParams), sec1PEM(t, p256)...)...), want: p256.Public()},
		{name: "sigstore P-256", lazy: encryptLater("ENCRYPTED SIGSTORE PRIVATE KEY", p256, password, encrypted.Standard), pw: right, want: p256.Public()},
		{name: "sigstore Ed25519", lazy: encryptLater("ENCRYPTED SIGSTORE PRIVATE KEY", ed, password, encrypted.Standard), pw: right, want: ed.Public()},
		{name: "cosign P-256 legacy scrypt", lazy: encryptLater("ENCRYPTED COSIGN PRIVATE KEY", p256, password, encrypted.Legacy), pw: right, want: p256.Public()},
		{name: "cosign Ed25519", lazy: encryptLater("ENCRYPTED COSIGN PRIVATE KEY", ed, password, encrypted.Standard), pw: right, want: ed.Public()},
		{name: "sigstore empty password", lazy: encryptLater("ENCRYPTED SIGSTORE PRIVATE KEY", p256, "", encrypted.Standard), pw: empty, want: p256.Public()},

		{name: "sigstore wrong password", lazy: encryptLater("ENCRYPTED SIGSTORE PRIVATE KEY", p256, password, encrypted.Standard), pw: wrong,
			errs: []string{"decrypt ENCRYPTED SIGSTORE PRIVATE KEY", "wrong password?"}, wrongPW: true},
		{name: "cosign wrong password", lazy: encryptLater("ENCRYPTED COSIGN PRIVATE KEY", ed, password, encrypted.Legacy), pw: wrong,
			errs: []string{"decrypt ENCRYPTED COSIGN PRIVATE KEY", "wrong password?"}, wrongPW: true},
		{name: "sigstore no password func", lazy: encryptLater("ENCRYPTED SIGSTORE PRIVATE KEY", p256, password, encrypted.Legacy), pw: nilFunc,
			errs: []string{"needs a password"}},
		{name: "sigstore password func fails", lazy: encryptLater("ENCRYPTED SIGSTORE PRIVATE KEY", p256, password, encrypted.Legacy), pw: failing,
			errs: []string{"no terminal"}},
		{name: "sigstore body not JSON", pem: pemBlock("ENCRYPTED SIGSTORE PRIVATE KEY", []byte("not json")), pw: right,
			errs: []string{"malformed encrypted key"}},
		{name: "sigstore RSA", lazy: encryptLater("ENCRYPTED SIGSTORE PRIVATE KEY", rsaKey, password, encrypted.Legacy), pw: right,
			errs: []string{"RSA 2048-bit", "ECDSA P-256, Ed25519"}},

		{name: "PKCS8 RSA", pem: pkcs8PEM(t, rsaKey), errs: []string{"RSA 2048-bit", "ECDSA P-256, Ed25519"}},
		{name: "PKCS1 RSA", pem: pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), errs: []string{"RSA", "ECDSA P-256, Ed25519"}},
		{name: "PKCS8 P-384", pem: pkcs8PEM(t, p384), errs: []string{"ECDSA P-384", "ECDSA P-256, Ed25519"}},
		{name: "SEC1 P-384", pem: sec1PEM(t, p384), errs: []string{"ECDSA P-384", "ECDSA P-256, Ed25519"}},
		{name: "PKCS8 X25519", pem: pkcs8PEM(t, x25519), errs: []string{"X25519", "ECDSA P-256, Ed25519"}},
		{name: "garbage", pem: []byte("definitely not a key\x00\x01"), errs: []string{"no PEM block"}},
		{name: "empty", pem: nil, errs: []string{"no PEM block"}},
		{name: "PKCS8 garbage body", pem: pemBlock("PRIVATE KEY", []byte("0123456789abcdef")), errs: []string{"parse PKCS #8"}},
		{name: "SEC1 garbage body", pem: pemBlock("EC PRIVATE KEY", []byte("0123456789abcdef")), errs: []string{"parse SEC 1"}},
		{name: "public key", pem: pubPEM, errs: []string{"PUBLIC KEY block where a private key"}},
		{name: "PKCS8 encrypted", pem: pemBlock("ENCRYPTED PRIVATE KEY", []byte{0x30, 0}), errs: []string{"ENCRYPTED PRIVATE KEY", "not supported"}},
		{name: "OpenSSL legacy encryption", pem: legacyEncrypted, errs: []string{"legacy OpenSSL", "not supported"}},
		{name: "unknown block", pem: pemBlock("CERTIFICATE", []byte{0x30, 0}), errs: []string{`"CERTIFICATE"`, "ENCRYPTED SIGSTORE PRIVATE KEY"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			pw := func(p string, err error) func() ([]byte, error) {
				return func() ([]byte, error) {
					calls.Add(1)
					if c.pw == noPassword {
						t.Error("password asked for a key that is not encrypted")
					}
					return []byte(p), err
				}
			}
			var f func() ([]byte, error)
			switch c.pw {
			case noPassword, right:
				f = pw(password, nil)
			case wrong:
				f = pw("Correct horse battery staple", nil)
			case empty:
				f = pw("", nil)
			case failing:
				f = pw("", errors.New("no terminal to read a password from"))
			}
			p := c.pem
			if c.lazy != nil {
				p = c.lazy(t)
			}
			s, err := ParsePrivateKey(p, f)
			if c.pw != noPassword && c.pw != nilFunc && calls.Load() != 1 {
				t.Errorf("password func called %d times, want once", calls.Load())
			}
			if c.want == nil {
				if err == nil {
					t.Fatalf("parsed as %T, want an error", s)
				}
				for _, e := range c.errs {
					if !strings.Contains(err.Error(), e) {
						t.Errorf("error %q does not say %q", err, e)
					}
				}
				if got := errors.Is(err, ErrWrongPassword); got != c.wrongPW {
					t.Errorf("errors.Is(%q, ErrWrongPassword) = %v", err, got)
				}
				assertNoSecrets(t, err, p, password)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !s.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(c.want) {
				t.Fatal("parsed key has another public key")
			}
			roundTrip(t, s)
		})
	}
}

// assertNoSecrets fails when err quotes the password or any run of the key
// file's base64 body.
func assertNoSecrets(t *testing.T, err error, pemBytes []byte, password string) {
	t.Helper()
	msg := err.Error()
	if strings.Contains(msg, password) || strings.Contains(strings.ToLower(msg), "horse") {
		t.Errorf("error quotes the password: %q", msg)
	}
	if block, _ := pem.Decode(pemBytes); block != nil {
		body := string(pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: block.Bytes}))
		for _, line := range strings.Split(body, "\n") {
			if len(line) >= 16 && !strings.HasPrefix(line, "-----") && strings.Contains(msg, line[:16]) {
				t.Errorf("error quotes key material: %q", msg)
			}
		}
		if len(block.Bytes) >= 16 && strings.Contains(msg, string(block.Bytes[:16])) {
			t.Errorf("error quotes the key's bytes: %q", msg)
		}
	}
}

// roundTrip signs a statement with s, verifies it with s's public key and
// with that key after PublicKeyPEM and ParsePublicKey, and not with another
// key.
func roundTrip(t *testing.T, s crypto.Signer) {
	t.Helper()
	subject := []byte("image descriptor")
	b, err := Sign(s, statement(t, subject))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(b, s.Public(), SHA256(subject)); err != nil {
		t.Fatalf("Verify with the signer's key: %v", err)
	}
	p, err := PublicKeyPEM(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(b, pub, SHA256(subject)); err != nil {
		t.Fatalf("Verify with the key through PEM: %v", err)
	}
	if _, err := Verify(b, generateKey(t).Public(), SHA256(subject)); err == nil {
		t.Fatal("verified with another key")
	}
}

func TestPublicKeyPEM(t *testing.T) {
	p256, ed := generateKey(t), generateEd25519(t)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey := rsa2048(t)
	for name, pub := range map[string]crypto.PublicKey{"ECDSA P-256": p256.Public(), "Ed25519": ed.Public()} {
		p, err := PublicKeyPEM(pub)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		der, _ := x509.MarshalPKIXPublicKey(pub)
		if want := pemBlock("PUBLIC KEY", der); string(p) != string(want) {
			t.Errorf("%s: PEM\n%s\nwant\n%s", name, p, want)
		}
		got, err := ParsePublicKey(append([]byte("# comment\n"), p...))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !got.(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
			t.Errorf("%s: parsed key differs", name)
		}
	}
	for name, c := range map[string]struct {
		pub  crypto.PublicKey
		errs []string
	}{
		"ECDSA P-384":      {p384.Public(), []string{"ECDSA P-384", "ECDSA P-256, Ed25519"}},
		"RSA":              {rsaKey.Public(), []string{"RSA 2048-bit", "ECDSA P-256, Ed25519"}},
		"private key":      {p256, []string{"got a private key (ECDSA P-256)"}},
		"ecdsa by value":   {p256.PublicKey, []string{"ecdsa.PublicKey"}},
		"short Ed25519":    {ed25519.PublicKey{1, 2, 3}, []string{"Ed25519"}},
		"nil":              {nil, []string{"<nil>"}},
		"ECDH X25519 key":  {mustECDH(t).PublicKey(), []string{"X25519"}},
		"empty ECDSA":      {&ecdsa.PublicKey{}, []string{"ECDSA"}},
		"RSA without a N":  {&rsa.PublicKey{}, []string{"RSA"}},
		"a string, no key": {"PUBLIC KEY", []string{"string"}},
	} {
		if _, err := PublicKeyPEM(c.pub); err == nil {
			t.Errorf("%s: encoded", name)
		} else {
			for _, e := range c.errs {
				if !strings.Contains(err.Error(), e) {
					t.Errorf("%s: error %q does not say %q", name, err, e)
				}
			}
		}
	}
}

func mustECDH(t *testing.T) *ecdh.PrivateKey {
	t.Helper()
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParsePublicKey(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey := rsa2048(t)
	pkix := func(pub crypto.PublicKey) []byte {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return pemBlock("PUBLIC KEY", der)
	}
	for name, c := range map[string]struct {
		pem  []byte
		errs []string
	}{
		"PKIX P-384":   {pkix(p384.Public()), []string{"ECDSA P-384", "ECDSA P-256, Ed25519"}},
		"PKIX RSA":     {pkix(rsaKey.Public()), []string{"RSA 2048-bit", "ECDSA P-256, Ed25519"}},
		"PKCS1 RSA":    {pemBlock("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)), []string{"RSA", "ECDSA P-256, Ed25519"}},
		"PKIX X25519":  {pkix(mustECDH(t).PublicKey()), []string{"X25519", "ECDSA P-256, Ed25519"}},
		"private key":  {pkcs8PEM(t, generateKey(t)), []string{"PRIVATE KEY block where a public key"}},
		"garbage":      {[]byte("ssh-ed25519 AAAA"), []string{"no PEM block"}},
		"garbage body": {pemBlock("PUBLIC KEY", []byte("0123456789")), []string{"parse PKIX"}},
		"certificate":  {pemBlock("CERTIFICATE", []byte{0x30, 0}), []string{`"CERTIFICATE"`}},
	} {
		if pub, err := ParsePublicKey(c.pem); err == nil {
			t.Errorf("%s: parsed as %T", name, pub)
		} else {
			for _, e := range c.errs {
				if !strings.Contains(err.Error(), e) {
					t.Errorf("%s: error %q does not say %q", name, err, e)
				}
			}
		}
	}
}
