package verify

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// junkBundle is an unsigned bundle of sigs junk signatures after a
// payload of payloadBytes.
func junkBundle(sigs, payloadBytes int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"mediaType":"` + attest.BundleMediaType + `","dsseEnvelope":{"payloadType":"` + attest.PayloadType + `","payload":"`)
	b.WriteString(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), payloadBytes)))
	b.WriteString(`","signatures":[` + strings.Repeat(`{"sig":"AAAA"},`, sigs-1) + `{"sig":"AAAA"}]}}`)
	return b.Bytes()
}

// BenchmarkVerifyWorstCaseImage verifies one image whose four bundles are
// the costliest unsigned ones: each at the 64 MiB file cap (2,000,000 junk
// signatures after a 24 MiB payload), or four that fill the 64 MiB budget
// of one image together (500,000 junk signatures after 6 MiB each), or
// four with one junk signature after a 47 MiB payload.
func BenchmarkVerifyWorstCaseImage(b *testing.B) {
	key := newKey(b)
	tarball := filepath.Join(b.TempDir(), "rootfs.tar")
	os.WriteFile(tarball, []byte("rootfs"), 0o644)
	pol, err := NewPolicy(WithRequire(Provenance, SBOM, CIS))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ sigs, payload int }{{2_000_000, 24 << 20}, {500_000, 6 << 20}, {1, 47 << 20}} {
		junk := junkBundle(c.sigs, c.payload)
		if len(junk) > MaxFile {
			b.Fatalf("bundle of %d bytes is over the cap", len(junk))
		}
		dir := b.TempDir()
		for _, k := range layout.Kinds {
			if err := os.WriteFile(filepath.Join(dir, k.File), junk, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		d, err := OpenDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		b.Run(fmt.Sprintf("4x%dMiB", len(junk)>>20), func(b *testing.B) {
			for b.Loop() {
				if r, err := Verify(b.Context(), d, &key.PublicKey, Subject{Tarball: tarball}, pol); err == nil && r.OK {
					b.Fatal("junk verified")
				}
			}
		})
	}
}
