package verifycli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify/verifytest"
)

// FuzzVerifyCLI runs the verify command on arbitrary arguments and
// directory contents. Nothing is signed with the trusted key, so it must
// never exit 0, and it must never panic. The key, the HTML output and
// paths outside the fuzzed directory are not fuzzed.
func FuzzVerifyCLI(f *testing.F) {
	trusted, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	pemKey, _ := attest.PublicKeyPEM(&trusted.PublicKey)
	keyPath := filepath.Join(f.TempDir(), "trusted.pub")
	if err := os.WriteFile(keyPath, pemKey, 0o644); err != nil {
		f.Fatal(err)
	}
	// Seeds: a complete directory signed by another key.
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	files := verifytest.Files(f, other, fuzzDescriptor(), time.Now().UTC(), passingControls)
	manifest, _ := json.Marshal(layout.Manifest{Schema: layout.ManifestSchema, Builds: map[string]layout.ManifestBuild{
		"b": {Provider: "rootfs", Images: map[string]layout.ManifestImage{"local": {ImageID: "rootfs.tar"}}}}})
	for _, args := range []string{
		"--location\n$DIR\n$TAR",
		"--json\n--location\n$DIR\n$TAR",
		"--terraform\n--require\nprovenance\n--location\n$DIR\n$TAR",
		"--require\n\n--location\n$DIR\n$TAR",
		"--max-age\n-1h\n--min-level\n2\n--location\n$DIR\n$TAR",
		"--manifest\n$DIR/manifest.json\n--build\nb\n--location-key\nlocal\n--location\n$DIR\n$TAR",
		"--region\neu-west-1\n--location\n$DIR\nami-0abc",
		"--project\np\n--location\n$DIR\nrootfs.tar",
	} {
		f.Add(args, files[layout.DescriptorFile], files["provenance.sigstore.json"], files["cis.sigstore.json"], files["sbom.cdx.sigstore.json"], files["sbom.spdx.sigstore.json"], manifest)
	}
	f.Fuzz(func(t *testing.T, args string, desc, prov, cisB, cdx, spdx, manifest []byte) {
		dir := t.TempDir()
		tarball := filepath.Join(dir, "rootfs.tar")
		for name, b := range map[string][]byte{
			layout.DescriptorFile: desc, layout.IndexFile: []byte("{}"), "manifest.json": manifest, "rootfs.tar": []byte("rootfs"),
			"provenance.sigstore.json": prov, "cis.sigstore.json": cisB, "sbom.cdx.sigstore.json": cdx, "sbom.spdx.sigstore.json": spdx,
		} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		argv := []string{"--key", keyPath}
		for _, a := range strings.Split(args, "\n") {
			a = strings.ReplaceAll(strings.ReplaceAll(a, "$DIR", dir), "$TAR", tarball)
			if strings.Contains(a, "html") || strings.Contains(a, "key") || (strings.Contains(a, "/") && !strings.HasPrefix(a, dir) && !strings.Contains(a, "://")) || strings.Contains(a, "..") {
				continue
			}
			argv = append(argv, a)
		}
		if code := Main(context.Background(), argv, io.Discard, io.Discard, noClouds); code == ExitVerified {
			t.Fatalf("exit 0 for files no trusted key signed: %q", argv)
		}
	})
}

func fuzzDescriptor() *descriptor.Descriptor {
	return &descriptor.Descriptor{Schema: descriptor.SchemaURI, Provider: "aws", AWS: &descriptor.AWSImage{
		Region: "eu-west-1", Account: "111122223333", ImageID: "ami-0abc", SnapshotIDs: []string{"snap-1"}}}
}
