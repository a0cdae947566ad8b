package attest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/secure-systems-lab/go-securesystemslib/encrypted"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

const runUUID = "6f1c1c9e-0000-4000-8000-000000000001"

// fakeArtifact is an artifact as it arrives over RPC.
type fakeArtifact struct {
	builder, id string
	files       []string
	state       map[string]interface{}
}

func (a *fakeArtifact) BuilderId() string             { return a.builder }
func (a *fakeArtifact) Id() string                    { return a.id }
func (a *fakeArtifact) Files() []string               { return a.files }
func (a *fakeArtifact) String() string                { return "fake " + a.id }
func (a *fakeArtifact) State(name string) interface{} { return a.state[name] }
func (a *fakeArtifact) Destroy() error {
	panic("the post-processor must never destroy the input artifact")
}

// fixture is a build's evidence, a signing key and a tarball in a temp dir.
type fixture struct {
	dir, evidence, out, key string
	pub                     *ecdsa.PublicKey
	tarball                 *fakeArtifact
}

func newFixture(t testing.TB, build string) *fixture {
	t.Helper()
	t.Setenv("PACKER_RUN_UUID", runUUID)
	dir := t.TempDir()
	f := &fixture{dir: dir, evidence: filepath.Join(dir, "evidence"), out: filepath.Join(dir, "attestations")}
	writeEvidence(t, f.evidence, build, runUUID)
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	f.key, f.pub = filepath.Join(dir, "signing.key"), &k.PublicKey
	if err := os.WriteFile(f.key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	tar := filepath.Join(dir, "rootfs.tar")
	data := []byte("not really a tarball, but bytes all the same\n")
	if err := os.WriteFile(tar, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	f.tarball = &fakeArtifact{builder: "imagesmith.hardening-rootfs", id: "sha256:" + hex.EncodeToString(sum[:]), files: []string{tar}}
	return f
}

// writeEvidence writes what the two provisioners write for build in run.
func writeEvidence(t testing.TB, root, build, run string) {
	t.Helper()
	dir := evidence.BuildDir(root, build)
	stamp := func(schema string) evidence.Stamp {
		return evidence.Stamp{Schema: schema, BuildName: build, RunUUID: run, GeneratedAt: time.Now().UTC(), Generator: evidence.Generator{Name: "test", Version: "0"}}
	}
	res := &evidence.CISResults{Stamp: stamp(evidence.CISResultsSchema), Profile: "cis_level1_server",
		Benchmark: evidence.BenchmarkInfo{ID: "cis_debian_12", Version: "v1.1.0"}, Mode: "remediate",
		Summary:  evidence.Summary{Counts: map[cis.Status]int{cis.Pass: 3}, Score: 97.5, FailOn: "level1", Passed: true},
		Controls: []cis.Result{}}
	if err := evidence.WriteCIS(dir, res, []byte("#!/bin/sh\necho harden\n")); err != nil {
		t.Fatal(err)
	}
	man := []byte("# packer-plugin-hardening fs-manifest v1\nf 0644 0 0 1 00 /x\n")
	sum := sha256.Sum256(man)
	fin := &evidence.FinalizeResults{Stamp: stamp(evidence.FinalizeResultsSchema)}
	fin.Manifest.Digest = "sha256:" + hex.EncodeToString(sum[:])
	files := evidence.FinalizeFiles{Script: []byte("#!/bin/sh\necho seal\n"), Manifest: man,
		CycloneDX: []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}`),
		SPDX:      []byte(`{"spdxVersion":"SPDX-2.3","packages":[]}`)}
	if err := evidence.WriteFinalize(dir, fin, files); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) postProcessor(t testing.TB, build string, extra map[string]interface{}) *PostProcessor {
	t.Helper()
	raw := map[string]interface{}{
		"packer_build_name": build, "packer_builder_type": "hardening-rootfs", "packer_core_version": "1.16.0",
		"evidence_dir": f.evidence, "output_directory": f.out, "key_file": f.key, "template_path": f.dir,
	}
	for k, v := range extra {
		raw[k] = v
	}
	p := &PostProcessor{}
	if err := p.Configure(raw); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, p *PostProcessor, a packersdk.Artifact) (packersdk.Artifact, error) {
	t.Helper()
	ui := &packersdk.BasicUi{Writer: &strings.Builder{}, ErrorWriter: &strings.Builder{}}
	out, keep, force, err := p.PostProcess(context.Background(), ui, a)
	if !keep || !force {
		t.Errorf("keep=%v forceOverride=%v: the input artifact must always be kept", keep, force)
	}
	return out, err
}

func TestRootfsAttestation(t *testing.T) {
	f := newFixture(t, "debian")
	out, err := run(t, f.postProcessor(t, "debian", nil), f.tarball)
	if err != nil {
		t.Fatal(err)
	}
	if out.Id() != f.tarball.Id() || out.BuilderId() != BuilderID {
		t.Errorf("artifact %s from %s", out.Id(), out.BuilderId())
	}
	dir := filepath.Join(f.out, "debian", "rootfs", "local", "rootfs.tar")
	var idx layout.Index
	readJSON(t, filepath.Join(dir, layout.IndexFile), &idx)
	e2e.ValidateSchema(t, "docs/schemas/attestations-v1.json", mustRead(t, filepath.Join(dir, layout.IndexFile)))
	if idx.SubjectSHA256 != strings.TrimPrefix(f.tarball.id, "sha256:") || len(idx.Bundles) != 4 {
		t.Fatalf("index %+v", idx)
	}
	for _, b := range idx.Bundles {
		st, err := attest.Verify(mustRead(t, filepath.Join(dir, b.File)), f.pub, idx.SubjectSHA256)
		if err != nil {
			t.Fatalf("%s: %v", b.File, err)
		}
		if st.PredicateType != b.PredicateType || st.Subject[0].Name != "rootfs.tar" {
			t.Errorf("%s: predicate %s subject %s", b.File, st.PredicateType, st.Subject[0].Name)
		}
	}
	// The CIS predicate is the evidence document, whitespace aside.
	st, _ := attest.Verify(mustRead(t, filepath.Join(dir, "cis.sigstore.json")), f.pub, "")
	var want bytes.Buffer
	if err := json.Compact(&want, mustRead(t, filepath.Join(f.evidence, "debian", evidence.CISResultsFile))); err != nil {
		t.Fatal(err)
	}
	if string(st.Predicate) != want.String() {
		t.Error("the CIS predicate differs from cis-results.json")
	}
	raw := mustRead(t, filepath.Join(f.out, layout.ManifestFile))
	e2e.ValidateSchema(t, "docs/schemas/attest-manifest-v1.json", raw)
	var m layout.Manifest
	readJSON(t, filepath.Join(f.out, layout.ManifestFile), &m)
	img := m.Builds["debian"].Images["local"]
	if img.ImageID != "rootfs.tar" || img.Bundles["provenance"] != idx.Bundles[0].SHA256 || m.Builds["debian"].CIS.Score != 97.5 {
		t.Errorf("manifest %+v", m)
	}
}

// TestDeprecatedOutputDir (issue 17, item 8): output_dir still works,
// writes where output_directory would, and the build says to rename it.
func TestDeprecatedOutputDir(t *testing.T) {
	f := newFixture(t, "debian")
	raw := map[string]interface{}{
		"packer_build_name": "debian", "packer_builder_type": "hardening-rootfs",
		"evidence_dir": f.evidence, "output_dir": f.out, "key_file": f.key, "template_path": f.dir,
	}
	p := &PostProcessor{}
	if err := p.Configure(raw); err != nil {
		t.Fatal(err)
	}
	errs := &strings.Builder{}
	ui := &packersdk.BasicUi{Writer: &strings.Builder{}, ErrorWriter: errs}
	if _, _, _, err := p.PostProcess(context.Background(), ui, f.tarball); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.out, layout.ManifestFile)); err != nil {
		t.Errorf("nothing written to output_dir: %v", err)
	}
	if !strings.Contains(errs.String(), "hardening-attest: WARNING: output_dir is deprecated: rename it to output_directory") {
		t.Errorf("no deprecation warning in %q", errs)
	}
}

func TestManifestMergesBuilds(t *testing.T) {
	f := newFixture(t, "a")
	writeEvidence(t, f.evidence, "b", runUUID)
	for _, b := range []string{"a", "b"} {
		if _, err := run(t, f.postProcessor(t, b, nil), f.tarball); err != nil {
			t.Fatal(err)
		}
	}
	var m layout.Manifest
	readJSON(t, filepath.Join(f.out, layout.ManifestFile), &m)
	if len(m.Builds) != 2 || m.Builds["a"].Images["local"].SubjectSHA256 == "" || m.Builds["b"].Images["local"].SubjectSHA256 == "" {
		t.Errorf("manifest builds %+v", m.Builds)
	}
}

func TestFailsClosed(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact)
		wantErr string
	}{
		{"evidence from another run", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			writeEvidence(t, f.evidence, "debian", "00000000-0000-4000-8000-000000000000")
			return nil, f.tarball
		}, "was written by Packer run 00000000-0000-4000-8000-000000000000, not this run " + runUUID},
		{"evidence from another build", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			return map[string]interface{}{"packer_build_name": "other"}, f.tarball
		}, "other/cis-results.json is missing"},
		{"SBOM changed after finalize", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			os.WriteFile(filepath.Join(f.evidence, "debian", evidence.CycloneDXFile), []byte(`{}`), 0o644)
			return nil, f.tarball
		}, "sbom.cdx.json: sha256"},
		{"hardening script changed", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			os.WriteFile(filepath.Join(f.evidence, "debian", evidence.CISScriptFile), []byte("echo other\n"), 0o644)
			return nil, f.tarball
		}, "cis-hardening.sh: sha256"},
		{"tarball changed after the build", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			os.WriteFile(f.tarball.files[0], []byte("changed"), 0o644)
			return nil, f.tarball
		}, "it changed after the build"},
		{"unsupported builder", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			return nil, &fakeArtifact{builder: "mitchellh.docker", id: "sha256:00"}
		}, `builder "mitchellh.docker" is not supported`},
		{"key file missing when the build signs", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			return map[string]interface{}{"key_file": filepath.Join(f.dir, "keys", "cosign.key")}, f.tarball
		}, "cosign.key\" cannot be read: stat"},
		{"key file is a directory", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			return map[string]interface{}{"key_file": f.dir}, f.tarball
		}, "is not a regular file; want a PEM private key"},
		{"encrypted key without its password", func(t *testing.T, f *fixture) (map[string]interface{}, *fakeArtifact) {
			return map[string]interface{}{"key_file": encryptedKey(t, f.dir), "key_password_env": "NO_SUCH_PASSWORD_VAR"}, f.tarball
		}, "set its password in the environment variable NO_SUCH_PASSWORD_VAR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "debian")
			extra, a := tt.setup(t, f)
			_, err := run(t, f.postProcessor(t, "debian", extra), a)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
			if _, err := os.Stat(filepath.Join(f.out, layout.ManifestFile)); err == nil {
				t.Error("a manifest was written for a failed attestation")
			}
		})
	}
}

func TestStaleEvidenceOptOut(t *testing.T) {
	f := newFixture(t, "debian")
	writeEvidence(t, f.evidence, "debian", "00000000-0000-4000-8000-000000000000")
	_, err := run(t, f.postProcessor(t, "debian", map[string]interface{}{"allow_missing_evidence_unsafe": []string{"cis", "finalize"}}), f.tarball)
	if err != nil {
		t.Fatal(err)
	}
	var idx layout.Index
	readJSON(t, filepath.Join(f.out, "debian", "rootfs", "local", "rootfs.tar", layout.IndexFile), &idx)
	// Stale evidence is never attested: only the provenance is left.
	if len(idx.Bundles) != 1 || idx.Bundles[0].Kind != "provenance" {
		t.Errorf("bundles %+v", idx.Bundles)
	}
}

func readJSON(t *testing.T, p string, v any) {
	t.Helper()
	if err := json.Unmarshal(mustRead(t, p), v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// encryptedKey writes a key in cosign's encrypted format and returns its path.
func encryptedKey(t *testing.T, dir string) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	enc, err := encrypted.EncryptWithCustomKDFParameters(der, []byte("pw"), encrypted.Legacy)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "cosign.key")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED SIGSTORE PRIVATE KEY", Bytes: enc}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
