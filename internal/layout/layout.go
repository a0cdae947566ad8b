// Package layout is the shape of published attestations, shared by the
// attest post-processor that writes them and the verify command that reads
// them: the files of one image's directory, the index and the Terraform
// manifest.
package layout

import (
	"path"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
)

// Files in each image's directory besides the bundles.
const (
	DescriptorFile = "descriptor.json"
	PublicKeyFile  = "key.pub"
	IndexFile      = "attestations.json"
	ManifestFile   = "manifest.json"
	IndexSchema    = "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/schemas/attestations-v1.json"
	ManifestSchema = "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/schemas/attest-manifest-v1.json"
)

// Kind is one of the four statements written per image.
type Kind struct {
	Name, File, PredicateType, CosignType string
}

// Kinds in the order they are signed: provenance first.
var Kinds = []Kind{
	{"provenance", "provenance.sigstore.json", attest.PredicateSLSAProvenance, "slsaprovenance1"},
	{"cyclonedx", "sbom.cdx.sigstore.json", attest.PredicateCycloneDX, "cyclonedx"},
	{"spdx", "sbom.spdx.sigstore.json", attest.PredicateSPDX, "spdxjson"},
	{"cis", "cis.sigstore.json", attest.PredicateCIS, attest.PredicateCIS},
}

// KindByName returns the kind called name.
func KindByName(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// ImageKey is where an image's files go below a prefix:
// <provider>/<region or project or "local">/<image>.
func ImageKey(provider, location, image string) string {
	return path.Join(provider, location, image)
}

// Index is attestations.json: what one image directory holds. It is a
// table of contents, not evidence: every entry is checked by signature
// and digest.
type Index struct {
	Schema          string        `json:"schema"`
	Image           string        `json:"image"`
	Subject         string        `json:"subject"`
	SubjectSHA256   string        `json:"subject_sha256"`
	Bundles         []IndexBundle `json:"bundles"`
	PublicKey       string        `json:"public_key"`
	PublicKeySHA256 string        `json:"public_key_sha256"`
	BuildName       string        `json:"build_name"`
	PackerRunUUID   string        `json:"packer_run_uuid"`
}

// IndexBundle is one bundle of an Index.
type IndexBundle struct {
	Kind          string `json:"kind"`
	PredicateType string `json:"predicate_type"`
	CosignType    string `json:"cosign_type"`
	File          string `json:"file"`
	SHA256        string `json:"sha256"`
}

// Manifest is <output_directory>/manifest.json, shaped for Terraform's
// jsondecode(file(...)): builds -> build name -> images -> region or
// project -> image ID and bundle digests.
type Manifest struct {
	Schema string                   `json:"schema"`
	Builds map[string]ManifestBuild `json:"builds"`
}

// ManifestBuild is one build's images.
type ManifestBuild struct {
	PackerRunUUID string                   `json:"packer_run_uuid"`
	BuilderID     string                   `json:"builder_id"`
	Provider      string                   `json:"provider"`
	CIS           *ManifestCIS             `json:"cis"`
	Images        map[string]ManifestImage `json:"images"`
}

// ManifestCIS summarises the attested CIS result.
type ManifestCIS struct {
	Profile string  `json:"profile"`
	Score   float64 `json:"score"`
	Passed  bool    `json:"passed"`
}

// ManifestImage is one image: where its attestations are and their digests.
type ManifestImage struct {
	ImageID       string            `json:"image_id"`
	Subject       string            `json:"subject"`
	SubjectSHA256 string            `json:"subject_sha256"`
	Directory     string            `json:"directory"`
	Remote        []string          `json:"remote"`
	Bundles       map[string]string `json:"bundles"`
}
