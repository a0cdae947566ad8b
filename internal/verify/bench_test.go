package verify

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// BenchmarkVerifyWorstCaseImage verifies one image whose four bundles are
// each the costliest unsigned bundle under the 64 MiB file cap: 2,000,000
// junk signatures after a 24 MiB payload.
func BenchmarkVerifyWorstCaseImage(b *testing.B) {
	key := newKey(b)
	dir := b.TempDir()
	var junk bytes.Buffer
	junk.WriteString(`{"mediaType":"` + attest.BundleMediaType + `","dsseEnvelope":{"payloadType":"` + attest.PayloadType + `","payload":"`)
	junk.WriteString(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("x"), 24<<20)))
	junk.WriteString(`","signatures":[` + strings.Repeat(`{"sig":"AAAA"},`, 2_000_000-1) + `{"sig":"AAAA"}]}}`)
	if junk.Len() > MaxFile {
		b.Fatalf("bundle of %d bytes is over the cap", junk.Len())
	}
	for _, k := range layout.Kinds {
		if err := os.WriteFile(filepath.Join(dir, k.File), junk.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	tarball := filepath.Join(b.TempDir(), "rootfs.tar")
	os.WriteFile(tarball, []byte("rootfs"), 0o644)
	pol, err := NewPolicy(WithRequire(Provenance, SBOM, CIS))
	if err != nil {
		b.Fatal(err)
	}
	d, err := OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	b.SetBytes(int64(4 * junk.Len()))
	for b.Loop() {
		r, err := Verify(b.Context(), d, &key.PublicKey, Subject{Tarball: tarball}, pol)
		if err != nil || r.OK {
			b.Fatalf("%v %+v", err, r)
		}
	}
}
