package verifycli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// sbomPreds are SBOM predicates shaped like finalize's documents.
var sbomPreds = map[string]any{
	"cyclonedx": map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6",
		"components": []any{map[string]any{"type": "library", "name": "bash", "version": "5.2.15-2+b2",
			"purl": "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12"}}},
	"spdx": map[string]any{"spdxVersion": "SPDX-2.3", "packages": []any{map[string]any{"name": "bash", "versionInfo": "5.2.15-2+b2"}}},
}

// TestSBOMOut (issue 17, item 1): verify writes the SBOM documents it
// verified, and nothing when anything failed.
func TestSBOMOut(t *testing.T) {
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)
	tarball, dir := tarballDir(t, key, sbomPreds)
	out := t.TempDir()
	cdx, spdx := filepath.Join(out, "sbom.cdx.json"), filepath.Join(out, "sbom.spdx.json")
	code, stdout, errOut := verifyCmd(t, noClouds, "--key", pub, "--location", dir, "--cyclonedx-out", cdx, "--spdx-out", spdx, "--json", tarball)
	if code != ExitVerified {
		t.Fatalf("exit %d\n%s%s", code, stdout, errOut)
	}
	for file, want := range map[string]any{cdx: sbomPreds["cyclonedx"], spdx: sbomPreds["spdx"]} {
		var got, exp any
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		wantJSON, _ := json.Marshal(want)
		json.Unmarshal(wantJSON, &exp)
		if err := json.Unmarshal(b, &got); err != nil || !reflect.DeepEqual(got, exp) {
			t.Errorf("%s: %v\n%s\nwant the signed predicate %s", file, err, b, wantJSON)
		}
		if !strings.Contains(errOut, "to "+file) {
			t.Errorf("stderr does not name %s: %s", file, errOut)
		}
	}
	if !json.Valid([]byte(stdout)) || strings.Contains(stdout, "bomFormat") {
		t.Errorf("the JSON report must stay the report, without the SBOM:\n%s", stdout)
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	failing := []struct {
		name   string
		setup  func(t *testing.T) (tarball, dir string)
		args   []string
		code   int
		reason string
	}{
		{"another key", func(t *testing.T) (string, string) { return tarballDir(t, newKey(t), sbomPreds) }, nil, ExitFailed, "does not verify with the trusted key"},
		{"policy fails", func(t *testing.T) (string, string) {
			return tarballDir(t, key, sbomPreds, map[string]any{"cis": map[string]any{"profile": "cis_level1_server",
				"controls": []cis.Result{{Rule: "a", CIS: "1.1", Level: 1, Status: cis.Fail}}}})
		}, nil, ExitFailed, "cis"},
		{"the other SBOM is forged", func(t *testing.T) (string, string) {
			tb, d := tarballDir(t, key, sbomPreds)
			_, other := tarballDir(t, newKey(t), sbomPreds)
			k, _ := layout.KindByName("spdx")
			b, _ := os.ReadFile(filepath.Join(other, k.File))
			os.WriteFile(filepath.Join(d, k.File), b, 0o644)
			return tb, d
		}, []string{"--require", "cyclonedx"}, ExitFailed, "sbom.spdx.sigstore.json does not verify"},
		{"no CycloneDX statement", func(t *testing.T) (string, string) {
			tb, d := tarballDir(t, key, sbomPreds)
			k, _ := layout.KindByName("cyclonedx")
			os.Remove(filepath.Join(d, k.File))
			return tb, d
		}, []string{"--require", "provenance"}, ExitFailed, "no verified cyclonedx attestation"},
		{"same file twice", func(t *testing.T) (string, string) { return tarballDir(t, key, sbomPreds) },
			[]string{"--spdx-out", filepath.Join(out, "failed.cdx.json")}, ExitUsage, "--cyclonedx-out and --spdx-out are both"},
	}
	for _, tt := range failing {
		t.Run(tt.name, func(t *testing.T) {
			tb, d := tt.setup(t)
			file := filepath.Join(out, "failed.cdx.json")
			args := append([]string{"--key", pub, "--location", d, "--cyclonedx-out", file}, tt.args...)
			code, stdout, errOut := verifyCmd(t, noClouds, append(args, tb)...)
			if code != tt.code || !strings.Contains(errOut, tt.reason) {
				t.Errorf("exit %d, want %d and %q\n%s%s", code, tt.code, tt.reason, stdout, errOut)
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Errorf("%s was written for a failed verification (%v)", file, err)
			}
		})
	}

	// A directory that does not exist is an access error, after verifying.
	code, _, errOut = verifyCmd(t, noClouds, "--key", pub, "--location", dir, "--cyclonedx-out", filepath.Join(out, "no", "sbom.json"), tarball)
	if code != ExitUsage || !strings.Contains(errOut, "--cyclonedx-out: create") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
