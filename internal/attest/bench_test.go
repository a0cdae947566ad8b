package attest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkSignVerify signs one statement into a bundle and verifies it,
// as hardening-attest does for every bundle, with predicates the size of a
// provenance (2 KB) and of a Debian SBOM (180 packages, about 250 KB).
func BenchmarkSignVerify(b *testing.B) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	subject := Subject{Name: "aws:eu-west-1:ami-0123456789abcdef0", Digest: map[string]string{"sha256": strings.Repeat("ab", 32)}}
	for _, size := range []int{2 << 10, 250 << 10} {
		pred := []byte(fmt.Sprintf(`{"padding":%q}`, strings.Repeat("x", size)))
		b.Run(fmt.Sprintf("predicate=%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(pred)))
			for i := 0; i < b.N; i++ {
				st, err := NewStatement(PredicateCycloneDX, pred, subject)
				if err != nil {
					b.Fatal(err)
				}
				bundle, err := Sign(key, st)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Verify(bundle, &key.PublicKey, subject.Digest["sha256"]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
