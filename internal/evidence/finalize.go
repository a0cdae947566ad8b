package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// File names the finalize provisioner writes in a build's evidence directory.
const (
	FinalizeResultsFile = "finalize-results.json"
	FinalizeScriptFile  = "finalize.sh"
	CycloneDXFile       = "sbom.cdx.json"
	SPDXFile            = "sbom.spdx.json"
	ManifestFile        = "fs-manifest.txt"
)

// FinalizeResultsSchema is the schema URI (and version) of finalize-results.json.
const FinalizeResultsSchema = "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/schemas/finalize-results-v1.json"

// FinalizeResults is finalize-results.json: what the finalize provisioner
// cleaned, found and recorded. The files it names sit beside it and carry
// their sha256 here.
type FinalizeResults struct {
	Stamp
	OS        OSInfo            `json:"os"`
	Script    ScriptInfo        `json:"script"`
	Execution FinalizeExecution `json:"execution"`
	SBOM      SBOMInfo          `json:"sbom"`
	Manifest  ManifestInfo      `json:"manifest"`
	Cleanup   []CleanupStep     `json:"cleanup"`
	Secrets   SecretsInfo       `json:"secrets"`
}

// OSInfo is the guest's os-release.
type OSInfo struct {
	ID         string `json:"id"`
	VersionID  string `json:"version_id"`
	PrettyName string `json:"pretty_name"`
}

// FinalizeExecution says how the script ran; phases are guest times.
type FinalizeExecution struct {
	GuestMS    int64            `json:"guest_ms"`
	PhasesMS   map[string]int64 `json:"phases_ms"`
	HashJobs   int              `json:"hash_jobs"`
	RoundTrips int              `json:"communicator_round_trips"`
	WallMS     int64            `json:"wall_ms"`
}

// FileRef names a file beside the results and its digest.
type FileRef struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// SBOMInfo describes the two SBOM documents.
type SBOMInfo struct {
	// PackageManager is the database the packages come from: dpkg, rpm or apk.
	PackageManager string  `json:"package_manager"`
	Packages       int     `json:"packages"`
	CycloneDX      FileRef `json:"cyclonedx"`
	SPDX           FileRef `json:"spdx"`
}

// ManifestInfo describes the filesystem manifest. Digest is the image's
// content digest: "sha256:" and the hex sha256 of the manifest file.
type ManifestInfo struct {
	FileRef
	Digest   string `json:"digest"`
	Entries  int    `json:"entries"`
	Files    int    `json:"files"`
	Dirs     int    `json:"directories"`
	Symlinks int    `json:"symlinks"`
	Other    int    `json:"other"`
	Bytes    int64  `json:"file_bytes"`
	// Pruned are the paths not descended into (pseudo, volatile and
	// network filesystems, manifest_exclude).
	Pruned []string `json:"pruned"`
	// Vanished are files that disappeared between listing and hashing.
	Vanished []string `json:"vanished,omitempty"`
}

// CleanupStep is one capture cleanup step.
type CleanupStep struct {
	Step   string `json:"step"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// SecretsInfo lists leftover-secret findings: rule and path, never content.
type SecretsInfo struct {
	FailOnSecrets bool            `json:"fail_on_secrets"`
	Findings      []SecretFinding `json:"findings"`
	// Passed is false when a finding is not allowed and fail_on_secrets is set.
	Passed bool `json:"passed"`
}

// SecretFinding is one leftover secret.
type SecretFinding struct {
	Rule    string `json:"rule"`
	Path    string `json:"path"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
}

// FinalizeFiles are the documents written beside finalize-results.json.
type FinalizeFiles struct {
	Script, CycloneDX, SPDX, Manifest []byte
}

// WriteFinalize writes the script, the SBOMs and the manifest, fills in
// their digests and writes finalize-results.json last.
func WriteFinalize(dir string, res *FinalizeResults, files FinalizeFiles) error {
	for _, f := range []struct {
		name string
		data []byte
		ref  *FileRef
	}{
		{FinalizeScriptFile, files.Script, nil},
		{CycloneDXFile, files.CycloneDX, &res.SBOM.CycloneDX},
		{SPDXFile, files.SPDX, &res.SBOM.SPDX},
		{ManifestFile, files.Manifest, &res.Manifest.FileRef},
	} {
		sum, err := WriteFile(dir, f.name, f.data, 0o644)
		if err != nil {
			return err
		}
		if f.ref != nil {
			*f.ref = FileRef{File: f.name, SHA256: sum, Bytes: len(f.data)}
		} else {
			res.Script = ScriptInfo{File: f.name, SHA256: sum, Bytes: len(f.data)}
		}
	}
	_, err := WriteJSON(dir, FinalizeResultsFile, res)
	return err
}

// FinalizeDocuments are the bytes ReadFinalize read: the results document
// and the two SBOMs, each as checked against its recorded digest.
type FinalizeDocuments struct {
	Results, CycloneDX, SPDX []byte
}

// ReadFinalize reads dir's finalize-results.json, checks its schema and
// that every file it names is there with the recorded digest.
func ReadFinalize(dir string) (*FinalizeResults, *FinalizeDocuments, error) {
	b, err := os.ReadFile(filepath.Join(dir, FinalizeResultsFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read finalize results: %w", err)
	}
	var res FinalizeResults
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", FinalizeResultsFile, err)
	}
	if res.Schema != FinalizeResultsSchema {
		return nil, nil, fmt.Errorf("%s: schema %q, want %q", FinalizeResultsFile, res.Schema, FinalizeResultsSchema)
	}
	docs := &FinalizeDocuments{Results: b}
	for _, f := range []struct {
		ref FileRef
		out *[]byte
	}{
		{FileRef{File: res.Script.File, SHA256: res.Script.SHA256}, nil},
		{res.SBOM.CycloneDX, &docs.CycloneDX},
		{res.SBOM.SPDX, &docs.SPDX},
		{res.Manifest.FileRef, nil},
	} {
		data, err := readChecked(dir, FinalizeResultsFile, f.ref)
		if err != nil {
			return nil, nil, err
		}
		if f.out != nil {
			*f.out = data
		}
	}
	if want := "sha256:" + res.Manifest.SHA256; res.Manifest.Digest != want {
		return nil, nil, fmt.Errorf("%s: manifest digest %q does not match the manifest file (%s)", FinalizeResultsFile, res.Manifest.Digest, want)
	}
	return &res, docs, nil
}

// readChecked reads the file ref names, which the results file from must
// name as a plain file name in the same directory, and checks its digest.
func readChecked(dir, from string, ref FileRef) ([]byte, error) {
	if ref.File == "" || filepath.Base(ref.File) != ref.File {
		return nil, fmt.Errorf("%s names file %q: want a file name in the same directory", from, ref.File)
	}
	data, err := os.ReadFile(filepath.Join(dir, ref.File))
	if err != nil {
		return nil, fmt.Errorf("%s names %s: %w", from, ref.File, err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != ref.SHA256 {
		return nil, fmt.Errorf("%s: sha256 %s, but %s records %s", ref.File, got, from, ref.SHA256)
	}
	return data, nil
}
