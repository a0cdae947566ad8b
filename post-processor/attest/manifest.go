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
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// writeManifest merges this build into the manifest under a lock, so
// parallel builds of one run do not overwrite each other.
func writeManifest(out, build, builderID string, images []*image, ev *buildEvidence) (string, error) {
	mb := layout.ManifestBuild{PackerRunUUID: os.Getenv("PACKER_RUN_UUID"), BuilderID: builderID, Images: map[string]layout.ManifestImage{}}
	if ev.cis != nil {
		mb.CIS = &layout.ManifestCIS{Profile: ev.cis.Profile, Score: ev.cis.Summary.Score, Passed: ev.cis.Summary.Passed}
	}
	for _, im := range images {
		mb.Provider = string(im.ref.Provider)
		// One image per location: a hardening-rootfs build's is its
		// tarball; its disk files are attested in their own directories.
		if im.ref.DiskFormat != "" {
			continue
		}
		mi := layout.ManifestImage{ImageID: im.ref.ImageID, Subject: im.subject.Name, SubjectSHA256: im.subject.Digest["sha256"],
			Directory: im.dir, Remote: append([]string{}, im.remote...), Bundles: map[string]string{}}
		for _, b := range im.bundles {
			mi.Bundles[b.kind] = b.sha256
		}
		mb.Images[im.ref.Location] = mi
	}
	p := filepath.Join(out, layout.ManifestFile)
	unlock, err := lock(p + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	m := layout.Manifest{Schema: layout.ManifestSchema, Builds: map[string]layout.ManifestBuild{}}
	if b, err := os.ReadFile(p); err == nil {
		var old layout.Manifest
		if json.Unmarshal(b, &old) == nil && old.Schema == layout.ManifestSchema {
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
	if _, err := evidence.WriteFile(out, layout.ManifestFile, append(b, '\n'), 0o644); err != nil {
		return "", err
	}
	return p, nil
}

// dropFromManifest takes build out of the manifest again, after a failure
// that came once it was written; an empty manifest is removed.
func dropFromManifest(out, build string) error {
	p := filepath.Join(out, layout.ManifestFile)
	unlock, err := lock(p + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	var m layout.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("decode %s: %w", p, err)
	}
	delete(m.Builds, build)
	if len(m.Builds) == 0 {
		return os.Remove(p)
	}
	b, err = json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	_, err = evidence.WriteFile(out, layout.ManifestFile, append(b, '\n'), 0o644)
	return err
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
