package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"

	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

// Artifact is a root filesystem tarball with its SHA-256 checksum file and,
// when the build has a disk block, the disk image files.
type Artifact struct {
	TarballPath     string
	ChecksumPath    string
	SHA256          string
	Size            int64
	SourceDateEpoch *int64
	Disks           []DiskFile
	// DiskSize is the disk's virtual size in bytes.
	DiskSize      int64
	generatedData map[string]interface{}
}

// DiskFile is one disk image file.
type DiskFile struct {
	Format, Path, ChecksumPath, SHA256 string
	Size                               int64
}

func (a *Artifact) BuilderId() string { return BuilderID }

// Files lists the disk files, then the tarball, and not our own checksum
// files, so Packer's checksum, compress and manifest post-processors act on
// the images. Disks come first because amazon-import and
// googlecompute-import take the first file with their extension (.raw,
// .tar.gz), which must be the disk, not a gzip-compressed tarball.
func (a *Artifact) Files() []string {
	var files []string
	for _, d := range a.Disks {
		files = append(files, d.Path)
	}
	return append(files, a.TarballPath)
}

// Id identifies the tarball by content.
func (a *Artifact) Id() string { return "sha256:" + a.SHA256 }

func (a *Artifact) String() string {
	s := fmt.Sprintf("Root filesystem tarball: %s (%d bytes, sha256:%s)", a.TarballPath, a.Size, a.SHA256)
	for _, d := range a.Disks {
		s += fmt.Sprintf("\nDisk image (%s): %s (%d bytes, sha256:%s)", d.Format, d.Path, d.Size, d.SHA256)
	}
	return s
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
	if len(a.Disks) > 0 {
		m["disk_size"] = strconv.FormatInt(a.DiskSize, 10)
	}
	for _, d := range a.Disks {
		m["disk_"+d.Format] = d.Path
		m["disk_"+d.Format+"_sha256"] = d.SHA256
		m["disk_"+d.Format+"_size"] = strconv.FormatInt(d.Size, 10)
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

// Destroy removes the tarball, disk files and checksums this build wrote,
// nothing else.
func (a *Artifact) Destroy() error {
	var errs []error
	paths := []string{a.TarballPath, a.ChecksumPath}
	for _, d := range a.Disks {
		paths = append(paths, d.Path, d.ChecksumPath)
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}
