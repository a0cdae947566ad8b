package attest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
)

// Manifest is <output_dir>/manifest.json, shaped for Terraform's
// jsondecode(file(...)): builds -> build name -> images -> region or
// project -> image ID and bundle digests. Builds of one run that share the
// output directory merge into it.
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

// writeManifest merges this build into the manifest under a lock, so
// parallel builds of one run do not overwrite each other.
func writeManifest(out, build, builderID string, images []*image, ev *buildEvidence) (string, error) {
	mb := ManifestBuild{PackerRunUUID: os.Getenv("PACKER_RUN_UUID"), BuilderID: builderID, Images: map[string]ManifestImage{}}
	if ev.cis != nil {
		mb.CIS = &ManifestCIS{Profile: ev.cis.Profile, Score: ev.cis.Summary.Score, Passed: ev.cis.Summary.Passed}
	}
	for _, im := range images {
		mb.Provider = string(im.ref.Provider)
		mi := ManifestImage{ImageID: im.ref.ImageID, Subject: im.subject.Name, SubjectSHA256: im.subject.Digest["sha256"],
			Directory: im.dir, Remote: append([]string{}, im.remote...), Bundles: map[string]string{}}
		for _, b := range im.bundles {
			mi.Bundles[b.kind] = b.sha256
		}
		mb.Images[im.ref.Location] = mi
	}
	p := filepath.Join(out, ManifestFile)
	unlock, err := lock(p + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	m := Manifest{Schema: ManifestSchema, Builds: map[string]ManifestBuild{}}
	if b, err := os.ReadFile(p); err == nil {
		var old Manifest
		if json.Unmarshal(b, &old) == nil && old.Schema == ManifestSchema {
			for name, b := range old.Builds {
				m.Builds[name] = b
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", p, err)
	}
	m.Builds[build] = mb
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode manifest: %w", err)
	}
	if _, err := evidence.WriteFile(out, ManifestFile, append(b, '\n'), 0o644); err != nil {
		return "", err
	}
	return p, nil
}

// lock takes a lock directory (atomic on every OS), breaking one left by a
// crashed process after lockStaleAfter.
func lock(dir string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	deadline := time.Now().Add(lockWaitTimeout)
	for {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return func() { os.Remove(dir) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		if st, err := os.Stat(dir); err == nil && time.Since(st.ModTime()) > lockStaleAfter {
			os.Remove(dir)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lock %s: still held after %s; remove it if no Packer build is running", dir, lockWaitTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
