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
	"regexp"
	"sort"
	"strings"
	"unicode"

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

// imageName is what an image ID, GCE image name, tarball name, region or
// project may be when it becomes part of a path: one segment, no glob or
// control characters. (':' is for domain-scoped GCE projects.)
var imageName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$`)

func safeName(what, v string) error {
	if !imageName.MatchString(v) {
		return usagef("%s %q: use letters, digits, '.', '_', ':' and '-', starting with a letter or digit", what, v)
	}
	return nil
}

// resolve works out the image from the flags, without network calls:
// --region is an AMI, --project a GCE image, --location alone a tarball.
// What exists on disk never decides.
func resolve(o options, image string) (*target, error) {
	if o.manifest != "" {
		if o.region != "" || o.project != "" {
			return nil, usagef("--manifest takes the image's region or project from --location-key: drop --region and --project")
		}
		return fromManifest(o, image)
	}
	t := &target{location: o.location}
	switch {
	case o.region != "" && o.project != "":
		return nil, usagef("--region %q and --project %q: give one, --region for an AMI or --project for a GCE image", o.region, o.project)
	case image == "":
		return nil, usagef("no IMAGE: give an AMI ID with --region, a GCE image with --project, a tarball with --location, or --manifest")
	case o.region != "":
		if !amiID.MatchString(image) {
			return nil, usagef("IMAGE %q with --region: want an AMI ID such as ami-0123456789abcdef0", image)
		}
		if err := safeName("--region", o.region); err != nil {
			return nil, err
		}
		t.provider, t.region, t.id = "aws", o.region, image
	case o.project != "":
		if err := safeName("--project", o.project); err != nil {
			return nil, err
		}
		if err := safeName("GCE image", image); err != nil {
			return nil, err
		}
		t.provider, t.project, t.id = "gce", o.project, image
	case strings.HasPrefix(image, "ami-"):
		return nil, usagef("AMI %s: --region is required (AMI IDs are per region)", image)
	case o.location == "":
		return nil, usagef("IMAGE %q: give --region for an AMI, --project for a GCE image, or --location for a tarball", image)
	default:
		if err := regularFile(image); err != nil {
			return nil, usagef("tarball %q: %v", image, err)
		}
		t.provider, t.tarball, t.id = "rootfs", image, filepath.Base(image)
	}
	return t, nil
}

var amiID = regexp.MustCompile(`^ami-[0-9A-Za-z]{1,32}$`)

// regularFile says why p is not a regular file, if it is not.
func regularFile(p string) error {
	st, err := os.Stat(p)
	switch {
	case err != nil:
		return err
	case !st.Mode().IsRegular():
		return fmt.Errorf("not a regular file")
	}
	return nil
}

func fromManifest(o options, image string) (*target, error) {
	if o.build == "" || o.locationKey == "" {
		return nil, usagef("--manifest needs --build and --location-key (the AWS region, GCE project or \"local\")")
	}
	b, err := verify.ReadRegular(o.manifest)
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
	// The manifest is unsigned: its names become paths only when they are
	// single, plain path segments (evidence.BuildDir makes the build's one).
	for _, n := range [][2]string{{"--location-key", o.locationKey}, {"the manifest's image_id", img.ImageID}} {
		if err := safeName(n[0], n[1]); err != nil {
			return nil, err
		}
	}
	t := &target{provider: build.Provider, id: img.ImageID, location: o.location}
	if t.location == "" {
		// The layout is fixed, so the manifest's own directory is enough
		// wherever Packer ran.
		t.location = filepath.Join(evidence.BuildDir(filepath.Dir(o.manifest), o.build), filepath.FromSlash(layout.ImageKey(build.Provider, o.locationKey, img.ImageID)))
	}
	if image != "" && build.Provider != "rootfs" {
		return nil, usagef("build %s attested a %s image, named by the manifest: drop IMAGE %q", o.build, build.Provider, image)
	}
	switch build.Provider {
	case "aws":
		if !amiID.MatchString(img.ImageID) {
			return nil, fmt.Errorf("--manifest %s: image_id %q is not an AMI ID", o.manifest, img.ImageID)
		}
		t.region = o.locationKey
	case "gce":
		t.project = o.locationKey
	case "rootfs":
		if image == "" {
			return nil, usagef("build %s attested a tarball: give its path as IMAGE", o.build)
		}
		if err := regularFile(image); err != nil {
			return nil, usagef("tarball %q: %v", image, err)
		}
		t.tarball, t.id = image, filepath.Base(image)
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
			// Anyone with ec2:CreateTags writes tags: one names a bucket,
			// never a local path.
			if _, _, err := bucketURI(loc, "s3://"); err != nil {
				return nil, verify.Subject{}, fmt.Errorf("AMI %s in %s: hardening:attestations tag: %w", t.id, t.region, err)
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
			if _, _, err := bucketURI(loc, "gs://"); err != nil {
				return nil, verify.Subject{}, fmt.Errorf("GCE image %s in %s: hardening-gcs labels: %w", t.id, t.project, err)
			}
		}
		src, err := source(ctx, loc, t, clouds)
		return src, verify.Subject{Live: img.Descriptor("")}, err
	}
	src, err := source(ctx, t.location, t, clouds)
	return src, verify.Subject{Tarball: t.tarball}, err
}

// bucketURI splits an s3:// or gs:// location into bucket and prefix: a
// bucket name, then plain path segments (no "." or "..").
func bucketURI(loc, scheme string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(loc, scheme)
	if !ok {
		return "", "", fmt.Errorf("%q is not a %sBUCKET/PREFIX/ location", loc, scheme)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	prefix = strings.Trim(prefix, "/")
	if !bucketName.MatchString(bucket) {
		return "", "", fmt.Errorf("%q: %q is not a bucket name", loc, bucket)
	}
	if prefix != "" {
		for _, seg := range strings.Split(prefix, "/") {
			if seg == "" || seg == "." || seg == ".." || strings.ContainsFunc(seg, unicode.IsControl) {
				return "", "", fmt.Errorf("%q: the prefix must be plain path segments", loc)
			}
		}
	}
	return bucket, prefix, nil
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$`)

// source opens a location: s3://, gs:// or a directory, which may be the
// image's directory or an attest output_dir holding it. A directory is
// read inside itself only.
func source(ctx context.Context, loc string, t *target, clouds Clouds) (verify.Source, error) {
	switch {
	case strings.HasPrefix(loc, "s3://"):
		bucket, prefix, err := bucketURI(loc, "s3://")
		if err != nil {
			return nil, usagef("--location %w", err)
		}
		c, err := clouds.AWS(ctx, t.region)
		if err != nil {
			return nil, err
		}
		return &bucketSource{uri: loc, prefix: prefix, get: func(ctx context.Context, key string, limit int64) ([]byte, error) {
			return c.GetObject(ctx, bucket, key, limit)
		}}, nil
	case strings.HasPrefix(loc, "gs://"):
		bucket, prefix, err := bucketURI(loc, "gs://")
		if err != nil {
			return nil, usagef("--location %w", err)
		}
		c, err := clouds.GCE(ctx)
		if err != nil {
			return nil, err
		}
		return &bucketSource{uri: loc, prefix: prefix, get: func(ctx context.Context, key string, limit int64) ([]byte, error) {
			return c.Download(ctx, bucket, key, limit)
		}}, nil
	}
	root, err := os.OpenRoot(loc)
	if err != nil {
		return nil, fmt.Errorf("--location: %w", err)
	}
	defer root.Close()
	if isRegular(root, layout.IndexFile) || isRegular(root, layout.DescriptorFile) {
		return verify.DirIn(root, ".")
	}
	// An output_dir: <dir>/<build>/<provider>/<location>/<image>.
	loc2 := t.region + t.project
	if t.provider == "rootfs" {
		loc2 = "local"
	}
	for _, n := range []string{loc2, t.id} {
		if err := safeName("image", n); err != nil {
			return nil, err
		}
	}
	matches, _ := fs.Glob(root.FS(), path.Join("*", layout.ImageKey(t.provider, loc2, t.id)))
	switch len(matches) {
	case 1:
		return verify.DirIn(root, filepath.FromSlash(matches[0]))
	case 0:
		return nil, fmt.Errorf("--location %s holds no attestations for %s %s", loc, t.provider, t.id)
	}
	return nil, fmt.Errorf("--location %s holds attestations for %s from several builds (%s): give the image's directory", loc, t.id, strings.Join(matches, ", "))
}

func isRegular(root *os.Root, name string) bool {
	st, err := root.Lstat(name)
	return err == nil && st.Mode().IsRegular()
}

// bucketSource reads an image's files from S3 or GCS.
type bucketSource struct {
	uri, prefix string
	get         func(ctx context.Context, key string, limit int64) ([]byte, error)
}

func (b *bucketSource) String() string { return b.uri }

func (b *bucketSource) Read(ctx context.Context, name string, limit int64) ([]byte, error) {
	data, err := b.get(ctx, path.Join(b.prefix, name), limit)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, verify.ErrNotFound)
	}
	return data, err
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
