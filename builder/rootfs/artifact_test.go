package rootfs

import (
	"os"
	"path/filepath"
	"testing"

	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

func TestArtifact(t *testing.T) {
	dir := t.TempDir()
	tarball, sum, other := filepath.Join(dir, "rootfs.tar"), filepath.Join(dir, "rootfs.tar.sha256"), filepath.Join(dir, "notes.txt")
	for _, p := range []string{tarball, sum, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	epoch := int64(1735689600)
	a := &Artifact{TarballPath: tarball, ChecksumPath: sum, SHA256: "abc", Size: 1, SourceDateEpoch: &epoch,
		generatedData: map[string]interface{}{"RootfsPath": "/x"}}

	if a.BuilderId() != BuilderID || a.Id() != "sha256:abc" {
		t.Errorf("BuilderId/Id: %q %q", a.BuilderId(), a.Id())
	}
	if f := a.Files(); len(f) != 1 || f[0] != tarball {
		t.Errorf("Files: %v, want only the tarball", f)
	}
	if gd, ok := a.State("generated_data").(map[string]interface{}); !ok || gd["RootfsPath"] != "/x" {
		t.Errorf("generated_data: %v", a.State("generated_data"))
	}
	img, ok := a.State(registryimage.ArtifactStateURI).(*registryimage.Image)
	if !ok || img.ImageID != "sha256:abc" || img.ProviderName != "hardening-rootfs" || img.Labels["source_date_epoch"] != "1735689600" {
		t.Errorf("par.artifact.metadata: %+v", img)
	}
	if err := a.Destroy(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{tarball, sum} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("Destroy left %s", p)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("Destroy removed a file the build did not write: %v", err)
	}
	if err := a.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
}
