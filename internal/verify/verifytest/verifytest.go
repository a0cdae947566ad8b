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
	var prov attest.Provenance
	prov.BuildDefinition.BuildType = attest.BuildType
	prov.RunDetails.Builder.ID = Builder
	prov.RunDetails.Metadata.FinishedOn = finished
	preds := map[string]any{
		"provenance": prov,
		"cyclonedx":  map[string]any{"components": []map[string]string{{"purl": "pkg:deb/debian/bash@5.2"}, {"purl": "pkg:deb/debian/zlib1g@1.2"}}},
		"spdx":       map[string]any{"packages": []map[string]string{{"name": "bash"}}},
		"cis":        evidence.CISResults{Profile: "cis_level1_server", Controls: controls},
	}
	subject := attest.Subject{Name: d.Name(), Digest: map[string]string{"sha256": descriptor.SHA256(desc)}}
	for _, k := range layout.Kinds {
		p, err := json.Marshal(preds[k.Name])
		if err != nil {
			t.Fatal(err)
		}
		st, err := attest.NewStatement(k.PredicateType, p, subject)
		if err != nil {
			t.Fatal(err)
		}
		if files[k.File], err = attest.Sign(key, st); err != nil {
			t.Fatal(err)
		}
	}
	return files
}
