package verifycli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify"
)

// target is the image to verify.
type target struct {
	provider        string // aws, gce or rootfs
	region, project string
	id              string // AMI ID, GCE image name or id, tarball file name
	tarball         string
	location        string
}

const maxObject = 64 << 20

// resolve works out the image from the arguments, without network calls.
func resolve(o options, image string) (*target, error) {
	if o.manifest != "" {
		return fromManifest(o, image)
	}
	t := &target{location: o.location}
	switch {
	case image == "":
		return nil, usagef("no IMAGE: give an AMI ID with --region, a GCE image with --project, a tarball with --location, or --manifest")
	case strings.HasPrefix(image, "ami-"):
		if o.region == "" {
			return nil, usagef("AMI %s: --region is required (AMI IDs are per region)", image)
		}
		t.provider, t.region, t.id = "aws", o.region, image
	case fileExists(image):
		if o.location == "" {
			return nil, usagef("tarball %s: --location is required: the image's attestation directory or the attest output_dir", image)
		}
		t.provider, t.tarball, t.id = "rootfs", image, filepath.Base(image)
	case o.project != "":
		t.provider, t.project, t.id = "gce", o.project, image
	default:
		return nil, usagef("IMAGE %q is not an AMI ID, an existing tarball, or a GCE image (give --project)", image)
	}
	return t, nil
}

func fromManifest(o options, image string) (*target, error) {
	if o.build == "" || o.locationKey == "" {
		return nil, usagef("--manifest needs --build and --location-key (the AWS region, GCE project or \"local\")")
	}
	b, err := os.ReadFile(o.manifest)
	if err != nil {
		return nil, fmt.Errorf("--manifest: %w", err)
	}
	var m layout.Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Schema != layout.ManifestSchema {
		return nil, fmt.Errorf("--manifest %s is not an attest manifest (schema %q): %v", o.manifest, m.Schema, err)
	}
	build, ok := m.Builds[o.build]
	if !ok {
		return nil, usagef("--build %q is not in %s; it has %s", o.build, o.manifest, keys(m.Builds))
	}
	img, ok := build.Images[o.locationKey]
	if !ok {
		return nil, usagef("--location-key %q is not in build %s of %s; it has %s", o.locationKey, o.build, o.manifest, keys(build.Images))
	}
	t := &target{provider: build.Provider, id: img.ImageID, location: o.location}
	if t.location == "" {
		// The layout is fixed, so the manifest's own directory is enough
		// wherever Packer ran.
		t.location = filepath.Join(evidence.BuildDir(filepath.Dir(o.manifest), o.build), filepath.FromSlash(layout.ImageKey(build.Provider, o.locationKey, img.ImageID)))
	}
	switch build.Provider {
	case "aws":
		t.region = o.locationKey
	case "gce":
		t.project = o.locationKey
	case "rootfs":
		if image == "" || !fileExists(image) {
			return nil, usagef("build %s attested a tarball: give its path as IMAGE", o.build)
		}
		t.tarball = image
	default:
		return nil, fmt.Errorf("build %s: unknown provider %q", o.build, build.Provider)
	}
	return t, nil
}

// open finds the attestations and the subject, asking the cloud for the
// image's facts.
func (t *target) open(ctx context.Context, o options, clouds Clouds) (verify.Source, verify.Subject, error) {
	switch t.provider {
	case "aws":
		c, err := clouds.AWS(ctx, t.region)
		if err != nil {
			return nil, verify.Subject{}, err
		}
		img, err := c.DescribeImage(ctx, aws.ImageRef{Region: t.region, ImageID: t.id})
		if err != nil {
			return nil, verify.Subject{}, err
		}
		loc := t.location
		if loc == "" {
			if loc = img.Tags["hardening:attestations"]; loc == "" {
				return nil, verify.Subject{}, fmt.Errorf("AMI %s in %s has no hardening:attestations tag: give --location", t.id, t.region)
			}
		}
		src, err := source(ctx, loc, t, clouds)
		return src, verify.Subject{Live: img.Descriptor("")}, err
	case "gce":
		c, err := clouds.GCE(ctx)
		if err != nil {
			return nil, verify.Subject{}, err
		}
		img, err := c.Image(ctx, t.project, t.id)
		if err != nil {
			return nil, verify.Subject{}, err
		}
		t.id = img.Name
		loc := t.location
		if loc == "" {
			bucket, prefix := img.Labels["hardening-gcs-bucket"], img.Labels["hardening-gcs-prefix"]
			if bucket == "" {
				return nil, verify.Subject{}, fmt.Errorf("GCE image %s in %s has no hardening-gcs-bucket label: give --location", t.id, t.project)
			}
			loc = "gs://" + bucket + "/" + path.Join(strings.ReplaceAll(prefix, "_", "/"), layout.ImageKey("gce", t.project, img.Name)) + "/"
		}
		src, err := source(ctx, loc, t, clouds)
		return src, verify.Subject{Live: img.Descriptor("")}, err
	}
	src, err := source(ctx, t.location, t, clouds)
	return src, verify.Subject{Tarball: t.tarball}, err
}

// source opens a location: s3://, gs:// or a directory, which may be the
// image's directory or an attest output_dir holding it.
func source(ctx context.Context, loc string, t *target, clouds Clouds) (verify.Source, error) {
	switch {
	case strings.HasPrefix(loc, "s3://"):
		bucket, prefix, _ := strings.Cut(strings.TrimPrefix(loc, "s3://"), "/")
		c, err := clouds.AWS(ctx, t.region)
		if err != nil {
			return nil, err
		}
		return &bucketSource{uri: loc, prefix: strings.Trim(prefix, "/"), get: func(ctx context.Context, key string) ([]byte, error) {
			return c.GetObject(ctx, bucket, key, maxObject)
		}}, nil
	case strings.HasPrefix(loc, "gs://"):
		bucket, prefix, _ := strings.Cut(strings.TrimPrefix(loc, "gs://"), "/")
		c, err := clouds.GCE(ctx)
		if err != nil {
			return nil, err
		}
		return &bucketSource{uri: loc, prefix: strings.Trim(prefix, "/"), get: func(ctx context.Context, key string) ([]byte, error) {
			return c.Download(ctx, bucket, key, maxObject)
		}}, nil
	}
	if fileExists(filepath.Join(loc, layout.IndexFile)) || fileExists(filepath.Join(loc, layout.DescriptorFile)) {
		return verify.Dir(loc), nil
	}
	// An output_dir: <dir>/<build>/<provider>/<location>/<image>.
	loc2 := t.region + t.project
	if t.provider == "rootfs" {
		loc2 = "local"
	}
	matches, _ := filepath.Glob(filepath.Join(loc, "*", filepath.FromSlash(layout.ImageKey(t.provider, loc2, t.id))))
	switch len(matches) {
	case 1:
		return verify.Dir(matches[0]), nil
	case 0:
		return nil, fmt.Errorf("--location %s holds no attestations for %s %s", loc, t.provider, t.id)
	}
	return nil, fmt.Errorf("--location %s holds attestations for %s from several builds (%s): give the image's directory", loc, t.id, strings.Join(matches, ", "))
}

// bucketSource reads an image's files from S3 or GCS.
type bucketSource struct {
	uri, prefix string
	get         func(ctx context.Context, key string) ([]byte, error)
}

func (b *bucketSource) String() string { return b.uri }

func (b *bucketSource) Read(ctx context.Context, name string) ([]byte, error) {
	data, err := b.get(ctx, path.Join(b.prefix, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, verify.ErrNotFound)
	}
	return data, err
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func keys[V any](m map[string]V) string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	if len(k) == 0 {
		return "none"
	}
	return strings.Join(k, ", ")
}
