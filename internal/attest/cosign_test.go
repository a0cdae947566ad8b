package attest

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cosignBinary is stock cosign: from PATH, else $HARDENING_TOOLS_DIR/cosign.
// Without it the test is skipped, unless HARDENING_E2E is set: make test
// builds cosign first, so there a missing binary is a failure.
func cosignBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("cosign"); err == nil {
		return p
	}
	if dir := os.Getenv("HARDENING_TOOLS_DIR"); dir != "" {
		p := filepath.Join(dir, "cosign")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	const msg = "cosign is neither on PATH nor in $HARDENING_TOOLS_DIR (scripts/tools.sh builds it)"
	if os.Getenv("HARDENING_E2E") != "" {
		t.Fatal(msg + "; HARDENING_E2E is set, so this is a failure")
	}
	t.Skip(msg)
	return ""
}

// runCosign runs cosign in dir with extra environment variables and returns
// its combined output.
func runCosign(t *testing.T, cosign, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cosign, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// cosignPredicates are the predicate types the plugin attests (predicates.go)
// with cosign's --type for each: its short names for the standard ones, the
// URI itself for ours.
var cosignPredicates = []struct {
	flag, uri, predicate string
}{
	{"slsaprovenance1", PredicateSLSAProvenance,
		`{"buildDefinition":{"buildType":"https://github.com/imagesmith/packer-plugin-hardening/buildtypes/packer/v1","externalParameters":{"template":"image.pkr.hcl"}},"runDetails":{"builder":{"id":"https://github.com/imagesmith/packer-plugin-hardening"}}}`},
	{"cyclonedx", PredicateCycloneDX,
		`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"operating-system","name":"ubuntu","version":"24.04"}]}`},
	{"spdxjson", PredicateSPDX,
		`{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"image","documentNamespace":"https://example.invalid/spdx/image","creationInfo":{"created":"2025-01-01T00:00:00Z","creators":["Tool: packer-plugin-hardening"]},"packages":[]}`},
	{PredicateCIS, PredicateCIS,
		`{"benchmark":"CIS Ubuntu Linux 24.04 LTS Benchmark","profile":"Level 1 - Server","results":[{"id":"1.1.1.1","status":"pass"}]}`},
}

// TestCosignInterop checks that stock cosign and this package agree: keys
// written by cosign load with ParsePrivateKey and our public key PEM is
// cosign's; cosign verify-blob-attestation, offline with the public key,
// says Verified OK to our bundles for every predicate type the plugin uses;
// and both cosign and Verify reject a changed subject, payload, signature,
// key or predicate type.
func TestCosignInterop(t *testing.T) {
	cosign := cosignBinary(t)
	dir := t.TempDir()
	write := func(t *testing.T, name string, b []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	descriptor := []byte(`{"provider":"aws","region":"eu-west-1","image_id":"ami-0123456789abcdef0"}` + "\n")
	subject := write(t, "descriptor.json", descriptor)
	changedSubject := write(t, "descriptor-changed.json", bytes.Replace(descriptor, []byte("eu-west-1"), []byte("eu-west-2"), 1))
	const password = "interop test password"
	noPassword := func(t *testing.T) func() ([]byte, error) {
		return func() ([]byte, error) {
			t.Error("password asked for a key that is not encrypted")
			return nil, nil
		}
	}
	withPassword := func() ([]byte, error) { return []byte(password), nil }

	// Each key source returns the signer, loaded from a key file with
	// ParsePrivateKey, and the public key file handed to cosign.
	type keySource func(t *testing.T, name string) (crypto.Signer, string)
	ourFiles := func(k crypto.Signer) keySource {
		return func(t *testing.T, name string) (crypto.Signer, string) {
			keyFile := write(t, name+".pem", pkcs8PEM(t, k))
			s, err := ParsePrivateKey(readFile(t, keyFile), noPassword(t))
			if err != nil {
				t.Fatal(err)
			}
			pub, err := PublicKeyPEM(s.Public())
			if err != nil {
				t.Fatal(err)
			}
			return s, write(t, name+".pub", pub)
		}
	}
	// cosignFiles runs a cosign command that writes <name>.key and
	// <name>.pub, loads the key with the password and checks that
	// PublicKeyPEM gives cosign's .pub byte for byte.
	cosignFiles := func(args ...string) keySource {
		return func(t *testing.T, name string) (crypto.Signer, string) {
			out, err := runCosign(t, cosign, dir, []string{"COSIGN_PASSWORD=" + password}, append(args, "--output-key-prefix", name)...)
			if err != nil {
				t.Fatalf("cosign %s: %v\n%s", args[0], err, out)
			}
			key := readFile(t, filepath.Join(dir, name+".key"))
			if b, _ := pem.Decode(key); b == nil || b.Type != "ENCRYPTED SIGSTORE PRIVATE KEY" {
				t.Fatalf("cosign %s wrote no ENCRYPTED SIGSTORE PRIVATE KEY", args[0])
			}
			s, err := ParsePrivateKey(key, withPassword)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParsePrivateKey(key, func() ([]byte, error) { return []byte("not " + password), nil }); err == nil || !strings.Contains(err.Error(), "wrong password?") {
				t.Errorf("cosign's key with a wrong password: %v", err)
			}
			pubFile := filepath.Join(dir, name+".pub")
			cosignPub := readFile(t, pubFile)
			ours, err := PublicKeyPEM(s.Public())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ours, cosignPub) {
				t.Errorf("PublicKeyPEM\n%s\ncosign's %s.pub\n%s", ours, name, cosignPub)
			}
			parsed, err := ParsePublicKey(cosignPub)
			if err != nil {
				t.Fatal(err)
			}
			if !parsed.(interface{ Equal(crypto.PublicKey) bool }).Equal(s.Public()) {
				t.Errorf("ParsePublicKey(%s.pub) is not the private key's public key", name)
			}
			return s, pubFile
		}
	}
	importEd25519 := func(t *testing.T, name string) (crypto.Signer, string) {
		plain := write(t, name+"-plain.pem", pkcs8PEM(t, generateEd25519(t)))
		return cosignFiles("import-key-pair", "--key", plain)(t, name)
	}
	keySources := []struct {
		name string
		load keySource
		// other makes a key of the same type, for the wrong-key check.
		other func(testing.TB) crypto.Signer
	}{
		{"pkcs8-ecdsa-p256", ourFiles(generateKey(t)), func(t testing.TB) crypto.Signer { return generateKey(t) }},
		{"pkcs8-ed25519", ourFiles(generateEd25519(t)), func(t testing.TB) crypto.Signer { return generateEd25519(t) }},
		{"cosign-generate-key-pair", cosignFiles("generate-key-pair"), func(t testing.TB) crypto.Signer { return generateKey(t) }},
		{"cosign-import-key-pair-ed25519", importEd25519, func(t testing.TB) crypto.Signer { return generateEd25519(t) }},
	}

	for _, ks := range keySources {
		t.Run(ks.name, func(t *testing.T) {
			t.Parallel()
			signer, pubFile := ks.load(t, ks.name)
			pub := signer.Public()
			otherPub, err := PublicKeyPEM(ks.other(t).Public())
			if err != nil {
				t.Fatal(err)
			}
			otherPubFile := write(t, ks.name+"-other.pub", otherPub)

			verify := func(t *testing.T, key, bundle, typ, subject string) (string, error) {
				return runCosign(t, cosign, dir, nil, "verify-blob-attestation", "--key", key, "--insecure-ignore-tlog",
					"--bundle", bundle, "--type", typ, subject)
			}
			mustFail := func(t *testing.T, what, out string, err error) {
				t.Helper()
				if err == nil || strings.Contains(out, "Verified OK") {
					t.Errorf("cosign accepted %s: %v\n%s", what, err, out)
				} else {
					t.Logf("cosign rejects %s: %s", what, lastLine(out))
				}
			}

			for i, p := range cosignPredicates {
				short := p.flag[strings.LastIndex(p.flag, "/")+1:]
				t.Run(short, func(t *testing.T) {
					t.Parallel()
					st, err := NewStatement(p.uri, []byte(p.predicate), Subject{Name: "descriptor.json", Digest: map[string]string{"sha256": SHA256(descriptor)}})
					if err != nil {
						t.Fatal(err)
					}
					b, err := Sign(signer, st)
					if err != nil {
						t.Fatal(err)
					}
					bundle := write(t, ks.name+"-"+short+".bundle.json", b)
					out, err := verify(t, pubFile, bundle, p.flag, subject)
					if err != nil || !strings.Contains(out, "Verified OK") {
						t.Fatalf("cosign does not verify: %v\n%s", err, out)
					}
					t.Logf("cosign --type %s: %s", p.flag, lastLine(out))
					if got, err := Verify(b, pub, SHA256(descriptor)); err != nil || got.PredicateType != p.uri {
						t.Fatalf("Verify: %v", err)
					}

					// Another predicate type than the statement's.
					wrong := cosignPredicates[(i+1)%len(cosignPredicates)]
					out, err = verify(t, pubFile, bundle, wrong.flag, subject)
					mustFail(t, "--type "+wrong.flag+" for a "+p.uri+" statement", out, err)
					if got, err := Verify(b, pub, SHA256(descriptor)); err != nil || got.PredicateType == wrong.uri {
						t.Errorf("Verify: %v, predicate type %q", err, got.PredicateType)
					}
				})
			}

			t.Run("tampered", func(t *testing.T) {
				t.Parallel()
				p := cosignPredicates[0]
				st, err := NewStatement(p.uri, []byte(p.predicate), Subject{Name: "descriptor.json", Digest: map[string]string{"sha256": SHA256(descriptor)}})
				if err != nil {
					t.Fatal(err)
				}
				b, err := Sign(signer, st)
				if err != nil {
					t.Fatal(err)
				}
				bundle := write(t, ks.name+"-tamper.bundle.json", b)
				if out, err := verify(t, pubFile, bundle, p.flag, subject); err != nil || !strings.Contains(out, "Verified OK") {
					t.Fatalf("cosign does not verify the untampered bundle: %v\n%s", err, out)
				}
				payload := mutateBundle(t, b, func(env *Envelope) {
					// One byte of the statement, inside a string, so the
					// JSON stays valid and only the signature can tell.
					stmt, err := base64.StdEncoding.DecodeString(env.Payload)
					if err != nil {
						t.Fatal(err)
					}
					i := bytes.Index(stmt, []byte(`"descriptor.json"`))
					if i < 0 {
						t.Fatalf("no subject name in %s", stmt)
					}
					stmt[i+1] ^= 0x20 // "Descriptor.json"
					var check Statement
					if err := json.Unmarshal(stmt, &check); err != nil || check.Subject[0].Digest["sha256"] != SHA256(descriptor) {
						t.Fatalf("tampered statement: %v", err)
					}
					env.Payload = base64.StdEncoding.EncodeToString(stmt)
				})
				signature := mutateBundle(t, b, func(env *Envelope) {
					sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
					if err != nil {
						t.Fatal(err)
					}
					sig[len(sig)-1] ^= 1
					env.Signatures[0].Sig = base64.StdEncoding.EncodeToString(sig)
				})
				for _, c := range []struct {
					what, key, bundle, subject string
					bundleBytes                []byte
					verifyPub                  crypto.PublicKey
					digest                     string
				}{
					{"a changed subject file", pubFile, bundle, changedSubject, b, pub, SHA256(readFile(t, changedSubject))},
					{"a changed payload", pubFile, write(t, ks.name+"-payload.bundle.json", payload), subject, payload, pub, SHA256(descriptor)},
					{"a changed signature", pubFile, write(t, ks.name+"-signature.bundle.json", signature), subject, signature, pub, SHA256(descriptor)},
					{"the wrong public key", otherPubFile, bundle, subject, b, mustParsePublicKey(t, otherPub), SHA256(descriptor)},
				} {
					out, err := verify(t, c.key, c.bundle, p.flag, c.subject)
					mustFail(t, c.what, out, err)
					if _, err := Verify(c.bundleBytes, c.verifyPub, c.digest); err == nil {
						t.Errorf("Verify accepted %s", c.what)
					}
				}
			})
		})
	}
}

// mutateBundle returns bundle b with f applied to a copy of its envelope.
func mutateBundle(t *testing.T, b []byte, f func(*Envelope)) []byte {
	t.Helper()
	var bundle Bundle
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	f(bundle.DSSEEnvelope) // freshly decoded: shares nothing with b
	out, err := json.MarshalIndent(bundle, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustParsePublicKey(t *testing.T, p []byte) crypto.PublicKey {
	t.Helper()
	pub, err := ParsePublicKey(p)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lastLine is the last non-empty line of cosign's output, its verdict.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}
