package attest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/imageref"
)

// image is one image being attested.
type image struct {
	ref     imageref.Ref
	subject attest.Subject
	// descriptor holds the canonical descriptor bytes; nil for a tarball,
	// which is its own subject.
	descriptor []byte
	sourceURI  string
	// existing tags or labels, to check the cloud's limits before writing.
	existing map[string]string

	bundles []bundle
	// Filled in by writeLocal and publishRemote.
	dir, pubPath, subjectPath string
	// subjectSize is the tarball's size; cosign needs to be told about
	// blobs over 128 MiB.
	subjectSize int64
	remote      []string
	files       []string
	// payload is what writeLocal wrote, the index last; publishRemote
	// uploads the same.
	payload []namedFile
}

// bundle is one signed statement.
type bundle struct {
	kind, predicateType, cosignType string
	file                            string
	data                            []byte
	sha256                          string
	path                            string // local path once written
}

// resolve asks the clouds for each image's facts and builds its subject.
func resolve(ctx context.Context, cl *clouds, refs []imageref.Ref, ev *buildEvidence, in packersdk.Artifact) ([]*image, error) {
	fsDigest := ""
	if ev.fin != nil {
		fsDigest = ev.fin.Manifest.Digest
	}
	var images []*image
	var awsRefs []aws.ImageRef
	var awsSrc []imageref.Ref
	for _, r := range refs {
		switch r.Provider {
		case imageref.AWS:
			awsRefs = append(awsRefs, aws.ImageRef{Region: r.Location, ImageID: r.ImageID})
			awsSrc = append(awsSrc, r)
		case imageref.GCE:
			g, err := cl.gce(ctx)
			if err != nil {
				return nil, err
			}
			facts, err := g.Image(ctx, r.Location, r.ImageID)
			if err != nil {
				return nil, fmt.Errorf("look up GCE image %s: %w", r, err)
			}
			im, err := gceImage(r, facts, fsDigest)
			if err != nil {
				return nil, err
			}
			images = append(images, im)
		case imageref.Rootfs:
			im, err := tarballImage(r)
			if err != nil {
				return nil, err
			}
			images = append(images, im)
		}
	}
	if len(awsRefs) > 0 {
		a, err := cl.aws(ctx)
		if err != nil {
			return nil, err
		}
		facts, err := a.DescribeImages(ctx, awsRefs)
		if err != nil {
			return nil, fmt.Errorf("look up AMIs: %w", err)
		}
		for i, f := range facts {
			im, err := awsImage(awsSrc[i], f, fsDigest)
			if err != nil {
				return nil, err
			}
			images = append(images, im)
		}
	}
	return images, nil
}

func awsImage(r imageref.Ref, f aws.Image, fsDigest string) (*image, error) {
	if f.ImageID != r.ImageID || f.Region != r.Location {
		return nil, fmt.Errorf("EC2 described %s in %s when asked for %s", f.ImageID, f.Region, r)
	}
	if f.State != "" && f.State != "available" {
		return nil, fmt.Errorf("AMI %s is %q, not available", r, f.State)
	}
	d := f.Descriptor(fsDigest)
	source := ""
	switch {
	case f.SourceImageID != "":
		region := f.SourceImageRegion
		if region == "" {
			region = f.Region
		}
		source = "aws:" + region + ":" + f.SourceImageID
	case r.SourceImageID != "":
		source = "aws:" + f.Region + ":" + r.SourceImageID
	}
	return describe(r, d, source, f.Tags)
}

func gceImage(r imageref.Ref, f gce.Image, fsDigest string) (*image, error) {
	if f.Name != r.ImageID && f.ID != r.ImageID {
		return nil, fmt.Errorf("Compute returned image %s (%s) when asked for %s", f.Name, f.ID, r)
	}
	if f.Status != "" && f.Status != "READY" {
		return nil, fmt.Errorf("GCE image %s is %q, not READY", r, f.Status)
	}
	d := f.Descriptor(fsDigest)
	d.GCE.Project = r.Location
	r.ImageID = f.Name
	source := f.SourceImage
	if source == "" && r.SourceImageID != "" {
		source = "gce:" + r.SourceImageID
	}
	return describe(r, d, source, f.Labels)
}

func describe(r imageref.Ref, d *descriptor.Descriptor, source string, existing map[string]string) (*image, error) {
	b, err := d.Canonical()
	if err != nil {
		return nil, fmt.Errorf("descriptor of %s: %w", r, err)
	}
	return &image{
		ref: r, descriptor: b, sourceURI: source, existing: existing,
		subject: attest.Subject{Name: d.Name(), Digest: map[string]string{"sha256": descriptor.SHA256(b)}},
	}, nil
}

// tarballImage hashes a tarball or disk file and checks it is the one the
// builder reported, so the subject is exactly what was built.
func tarballImage(r imageref.Ref) (*image, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", r.ImageID, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("hash %s: %w", r.Path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if sum != r.SHA256 {
		return nil, fmt.Errorf("%s has sha256 %s, but the builder reported %s: it changed after the build", r.Path, sum, r.SHA256)
	}
	return &image{ref: r, subjectPath: r.Path, subjectSize: n, subject: attest.Subject{Name: r.ImageID, Digest: map[string]string{"sha256": sum}}}, nil
}
