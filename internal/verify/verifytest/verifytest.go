// Package verifytest makes signed attestation files for tests of the verify
// package and command, the way hardening-attest writes them.
package verifytest

import (
	"crypto"
	"encoding/json"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// Builder is the SLSA builder id the files claim.
const Builder = "https://github.com/actions/runner/github-hosted"

// Files returns an image directory's files by name: the descriptor of d and
// the four bundles signed with key, the provenance finished at finished,
// the CIS results of a cis_level1_server run with controls.
func Files(t testing.TB, key crypto.Signer, d *descriptor.Descriptor, finished time.Time, controls []cis.Result) map[string][]byte {
	t.Helper()
	desc, err := d.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{layout.DescriptorFile: desc}
	preds := map[string]any{
		"provenance": Provenance(finished),
		"cyclonedx":  map[string]any{"components": []map[string]string{{"purl": "pkg:deb/debian/bash@5.2"}, {"purl": "pkg:deb/debian/zlib1g@1.2"}}},
		"spdx":       map[string]any{"packages": []map[string]string{{"name": "bash"}}},
		"cis":        evidence.CISResults{Profile: "cis_level1_server", Controls: controls},
	}
	for _, k := range layout.Kinds {
		files[k.File] = Bundle(t, key, d, k.Name, preds[k.Name])
	}
	return files
}

// Bundle signs predicate with key as the kind ("provenance", "cis", ...)
// statement about the canonical descriptor of d.
func Bundle(t testing.TB, key crypto.Signer, d *descriptor.Descriptor, kind string, predicate any) []byte {
	t.Helper()
	desc, err := d.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	k, ok := layout.KindByName(kind)
	if !ok {
		t.Fatalf("no statement kind %q", kind)
	}
	p, err := json.Marshal(predicate)
	if err != nil {
		t.Fatal(err)
	}
	st, err := attest.NewStatement(k.PredicateType, p, attest.Subject{Name: d.Name(), Digest: map[string]string{"sha256": descriptor.SHA256(desc)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := attest.Sign(key, st)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Provenance is the provenance predicate Files signs.
func Provenance(finished time.Time) attest.Provenance {
	var prov attest.Provenance
	prov.BuildDefinition.BuildType = attest.BuildType
	prov.RunDetails.Builder.ID = Builder
	prov.RunDetails.Metadata.FinishedOn = finished
	return prov
}
