package attest

import "time"

// Predicate types of the four statements written per image. The first three
// are the standard URIs cosign knows as slsaprovenance1, cyclonedx and
// spdxjson; the CIS one is ours, documented with its schema in docs/.
const (
	PredicateSLSAProvenance = "https://slsa.dev/provenance/v1"
	PredicateCycloneDX      = "https://cyclonedx.org/bom"
	PredicateSPDX           = "https://spdx.dev/Document"
	PredicateCIS            = "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/predicates/cis-results-v1.md"
)

// BuildType is the SLSA buildType of an image built by Packer with this
// plugin; docs/predicates/packer-image-build-v1.md describes its parameters.
const BuildType = "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/predicates/packer-image-build-v1.md"

// Provenance is a SLSA Provenance v1 predicate.
type Provenance struct {
	BuildDefinition BuildDefinition `json:"buildDefinition"`
	RunDetails      RunDetails      `json:"runDetails"`
}

// BuildDefinition says what was built and from what.
type BuildDefinition struct {
	BuildType            string               `json:"buildType"`
	ExternalParameters   ExternalParameters   `json:"externalParameters"`
	InternalParameters   InternalParameters   `json:"internalParameters"`
	ResolvedDependencies []ResourceDescriptor `json:"resolvedDependencies"`
}

// ExternalParameters are the inputs the user controls.
type ExternalParameters struct {
	Template    Template          `json:"template"`
	BuildName   string            `json:"buildName"`
	SourceName  string            `json:"sourceName,omitempty"`
	BuilderType string            `json:"builderType"`
	Variables   map[string]string `json:"variables"`
	// Sensitive names the variables left out because they are sensitive.
	Sensitive []string `json:"sensitiveVariablesOmitted,omitempty"`
}

// Template is the Packer template: its path as given and each file's digest.
type Template struct {
	Path  string               `json:"path"`
	Files []ResourceDescriptor `json:"files"`
}

// InternalParameters are set by the build platform, not by the user.
type InternalParameters struct {
	PackerVersion string `json:"packerVersion,omitempty"`
	CISProfile    string `json:"cisProfile,omitempty"`
	CISBenchmark  string `json:"cisBenchmark,omitempty"`
	CISMode       string `json:"cisMode,omitempty"`
}

// ResourceDescriptor is SLSA's reference to an artifact.
type ResourceDescriptor struct {
	Name   string            `json:"name,omitempty"`
	URI    string            `json:"uri,omitempty"`
	Digest map[string]string `json:"digest,omitempty"`
}

// RunDetails says who ran the build and when.
type RunDetails struct {
	Builder    Builder              `json:"builder"`
	Metadata   BuildMetadata        `json:"metadata"`
	Byproducts []ResourceDescriptor `json:"byproducts,omitempty"`
}

// Builder is the build platform.
type Builder struct {
	ID      string            `json:"id"`
	Version map[string]string `json:"version,omitempty"`
}

// BuildMetadata identifies the invocation.
type BuildMetadata struct {
	InvocationID string    `json:"invocationId"`
	StartedOn    time.Time `json:"startedOn"`
	FinishedOn   time.Time `json:"finishedOn"`
}
