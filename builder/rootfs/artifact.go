package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

// Artifact is a root filesystem tarball with its SHA-256 checksum file.
type Artifact struct {
	TarballPath     string
	ChecksumPath    string
	SHA256          string
	Size            int64
	SourceDateEpoch *int64
	generatedData   map[string]interface{}
}

func (a *Artifact) BuilderId() string { return BuilderID }

// Files lists only the tarball, so Packer's checksum, compress and manifest
// post-processors act on it and not on our own checksum file.
func (a *Artifact) Files() []string { return []string{a.TarballPath} }

// Id identifies the tarball by content.
func (a *Artifact) Id() string { return "sha256:" + a.SHA256 }

func (a *Artifact) String() string {
	return fmt.Sprintf("Root filesystem tarball: %s (%d bytes, sha256:%s)", a.TarballPath, a.Size, a.SHA256)
}

// Metadata is what the artifact tells post-processors about itself; all values
// are strings so they cross Packer's RPC boundary unchanged.
func (a *Artifact) Metadata() map[string]string {
	m := map[string]string{
		"provider":      "hardening-rootfs",
		"tarball":       a.TarballPath,
		"checksum_file": a.ChecksumPath,
		"sha256":        a.SHA256,
		"size":          strconv.FormatInt(a.Size, 10),
	}
	if a.SourceDateEpoch != nil {
		m["source_date_epoch"] = strconv.FormatInt(*a.SourceDateEpoch, 10)
	}
	return m
}

func (a *Artifact) State(name string) interface{} {
	switch name {
	case "generated_data":
		return a.generatedData
	case registryimage.ArtifactStateURI:
		img, err := registryimage.FromArtifact(a,
			registryimage.WithProvider("hardening-rootfs"),
			registryimage.WithRegion("local"),
		)
		if err != nil {
			return nil
		}
		img.Labels = a.Metadata()
		return img
	case "metadata":
		return a.Metadata()
	}
	return nil
}

// Destroy removes the tarball and checksum this build wrote, nothing else.
func (a *Artifact) Destroy() error {
	var errs []error
	for _, p := range []string{a.TarballPath, a.ChecksumPath} {
		if p == "" {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}
