package attest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/imageref"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

const (
	tagPrefix       = "hardening:"
	labelPrefix     = "hardening-"
	lockStaleAfter  = 2 * time.Minute
	lockWaitTimeout = time.Minute
)

// imageKey is where an image's files go, locally and remotely.
func imageKey(r imageref.Ref) string {
	return layout.ImageKey(string(r.Provider), r.Location, r.ImageID)
}

// writeLocal writes each image's directory under
// <out>/<build>/<provider>/<location>/<image>/, replacing an older one only
// once the new one is complete.
func writeLocal(out, build string, images []*image, ev *buildEvidence, pubPEM []byte) error {
	for _, im := range images {
		final := filepath.Join(evidence.BuildDir(out, build), filepath.FromSlash(imageKey(im.ref)))
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return fmt.Errorf("create output directory: %w", err)
		}
		tmp, err := os.MkdirTemp(filepath.Dir(final), "."+filepath.Base(final)+".partial-")
		if err != nil {
			return fmt.Errorf("create output directory: %w", err)
		}
		files := im.payloads(ev, pubPEM, build)
		im.payload = files
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(tmp, f.name), f.data, 0o644); err != nil {
				os.RemoveAll(tmp)
				return fmt.Errorf("write %s: %w", f.name, err)
			}
		}
		if err := os.RemoveAll(final); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("replace %s: %w", final, err)
		}
		if err := os.Rename(tmp, final); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("move output into %s: %w", final, err)
		}
		im.dir = final
		im.pubPath = filepath.Join(final, layout.PublicKeyFile)
		if im.descriptor != nil {
			im.subjectPath = filepath.Join(final, layout.DescriptorFile)
		}
		im.files = nil
		for _, f := range files {
			im.files = append(im.files, filepath.Join(final, f.name))
		}
		for i := range im.bundles {
			im.bundles[i].path = filepath.Join(final, im.bundles[i].file)
		}
	}
	return nil
}

type namedFile struct {
	name, contentType string
	data              []byte
}

// payloads are the files of an image's directory, the index last.
func (im *image) payloads(ev *buildEvidence, pubPEM []byte, build string) []namedFile {
	var files []namedFile
	if im.descriptor != nil {
		files = append(files, namedFile{layout.DescriptorFile, "application/json", im.descriptor})
	}
	files = append(files, namedFile{layout.PublicKeyFile, "application/x-pem-file", pubPEM})
	if ev.fin != nil {
		files = append(files, namedFile{evidence.CycloneDXFile, "application/vnd.cyclonedx+json", ev.cdx},
			namedFile{evidence.SPDXFile, "application/spdx+json", ev.spdx})
	}
	if ev.cis != nil {
		files = append(files, namedFile{evidence.CISResultsFile, "application/json", ev.cisRaw})
	}
	idx := layout.Index{Schema: layout.IndexSchema, Image: im.ref.String(), Subject: im.subject.Name, SubjectSHA256: im.subject.Digest["sha256"],
		PublicKey: layout.PublicKeyFile, PublicKeySHA256: attest.SHA256(pubPEM), BuildName: build, PackerRunUUID: os.Getenv("PACKER_RUN_UUID")}
	for _, b := range im.bundles {
		files = append(files, namedFile{b.file, "application/vnd.dev.sigstore.bundle.v0.3+json", b.data})
		idx.Bundles = append(idx.Bundles, layout.IndexBundle{Kind: b.kind, PredicateType: b.predicateType, CosignType: b.cosignType, File: b.file, SHA256: b.sha256})
	}
	b, _ := json.MarshalIndent(idx, "", "  ")
	return append(files, namedFile{layout.IndexFile, "application/json", append(b, '\n')})
}

// publishRemote uploads each image's files to S3 and GCS under
// <prefix>/<provider>/<location>/<image>/, the index last.
func publishRemote(ctx context.Context, cl *clouds, c *Config, images []*image) error {
	type target struct {
		scheme, bucket, prefix string
		put                    func(ctx context.Context, bucket, key string, body []byte, contentType string) (string, error)
	}
	var targets []target
	if c.S3Bucket != "" {
		a, err := cl.aws(ctx)
		if err != nil {
			return err
		}
		targets = append(targets, target{"s3", c.S3Bucket, c.S3Prefix, a.PutObject})
	}
	if c.GCSBucket != "" {
		g, err := cl.gce(ctx)
		if err != nil {
			return err
		}
		targets = append(targets, target{"gs", c.GCSBucket, c.GCSPrefix, g.Upload})
	}
	// Every file of every image at once, then the indexes, so an index is
	// only ever published next to complete files.
	type upload struct {
		t    target
		im   *image
		key  string
		file namedFile
	}
	var files, indexes []upload
	for _, t := range targets {
		for _, im := range images {
			key := path.Join(t.prefix, imageKey(im.ref))
			all := im.payload
			for _, f := range all[:len(all)-1] {
				files = append(files, upload{t, im, key, f})
			}
			indexes = append(indexes, upload{t, im, key, all[len(all)-1]})
		}
	}
	for _, batch := range [][]upload{files, indexes} {
		if err := parallel(c.Parallelism, len(batch), func(i int) error {
			u := batch[i]
			if _, err := u.t.put(ctx, u.t.bucket, u.key+"/"+u.file.name, u.file.data, u.file.contentType); err != nil {
				return fmt.Errorf("publish %s to %s://%s/%s: %w", u.im.ref, u.t.scheme, u.t.bucket, u.key, err)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	for _, u := range indexes {
		u.im.remote = append(u.im.remote, u.t.scheme+"://"+u.t.bucket+"/"+u.key+"/")
	}
	return nil
}

// parallel runs f(0..n-1), at most limit at once, and returns the first error.
func parallel(limit, n int, f func(i int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// pointerTags are the discovery tags of an AMI: where its attestations are
// and the digests to expect. Verify never trusts them.
func pointerTags(im *image) map[string]string {
	t := map[string]string{
		tagPrefix + "subject-sha256":    im.subject.Digest["sha256"],
		tagPrefix + "provenance-sha256": im.bundles[0].sha256,
	}
	for _, r := range im.remote {
		if strings.HasPrefix(r, "s3://") {
			t[tagPrefix+"attestations"] = r
		} else if strings.HasPrefix(r, "gs://") && t[tagPrefix+"attestations"] == "" {
			t[tagPrefix+"attestations"] = r
		}
	}
	return t
}

// pointerLabels are the GCE form of pointerTags: label values allow only
// 63 of [a-z0-9_-], so the digest is split in two and the GCS location is
// given as bucket and prefix with "/" written as "_".
func pointerLabels(c *Config, im *image) map[string]string {
	d := im.subject.Digest["sha256"]
	l := map[string]string{
		labelPrefix + "subject-sha256-1": d[:32],
		labelPrefix + "subject-sha256-2": d[32:],
	}
	if c.GCSBucket != "" && !strings.Contains(c.GCSBucket, ".") {
		l[labelPrefix+"gcs-bucket"] = c.GCSBucket
		l[labelPrefix+"gcs-prefix"] = strings.ReplaceAll(c.GCSPrefix, "/", "_")
	}
	return l
}

// complianceTags claim the CIS result; they are written last.
func complianceTags(cis *evidence.CISResults, label bool) map[string]string {
	score := strconv.FormatFloat(cis.Summary.Score, 'f', 1, 64)
	passed := strconv.FormatBool(cis.Summary.Passed)
	if label {
		return map[string]string{
			labelPrefix + "cis-profile": strings.ToLower(cis.Profile),
			labelPrefix + "cis-score":   strings.ReplaceAll(score, ".", "_"),
			labelPrefix + "cis-passed":  passed,
		}
	}
	return map[string]string{
		tagPrefix + "cis-profile":   cis.Profile,
		tagPrefix + "cis-benchmark": strings.TrimSpace(cis.Benchmark.ID + " " + cis.Benchmark.Version),
		tagPrefix + "cis-score":     score,
		tagPrefix + "cis-passed":    passed,
	}
}

// tagPointers checks every image's tags or labels against the cloud's
// limits, pointer and compliance tags together, before writing any, then
// writes the pointers.
func tagPointers(ctx context.Context, cl *clouds, c *Config, images []*image, cis *evidence.CISResults) error {
	for _, im := range images {
		all := map[string]string{}
		switch im.ref.Provider {
		case imageref.AWS:
			all = pointerTags(im)
			if cis != nil {
				for k, v := range complianceTags(cis, false) {
					all[k] = v
				}
			}
			if err := aws.ValidateTags(im.existing, all); err != nil {
				return fmt.Errorf("tags for %s: %w", im.ref, err)
			}
		case imageref.GCE:
			all = pointerLabels(c, im)
			if cis != nil {
				for k, v := range complianceTags(cis, true) {
					all[k] = v
				}
			}
			if err := gce.ValidateLabels(im.existing, all); err != nil {
				return fmt.Errorf("labels for %s: %w", im.ref, err)
			}
		}
	}
	return tagEach(ctx, cl, c.Parallelism, images, func(im *image) map[string]string {
		if im.ref.Provider == imageref.GCE {
			return pointerLabels(c, im)
		}
		return pointerTags(im)
	})
}

// tagCompliance writes the CIS tags or labels on every image. If any image
// cannot be tagged, the claims already written are taken back, so that no
// image claims compliance for an attestation that failed.
func tagCompliance(ctx context.Context, cl *clouds, c *Config, images []*image, cis *evidence.CISResults) error {
	tags := func(im *image) map[string]string { return complianceTags(cis, im.ref.Provider == imageref.GCE) }
	done := make([]bool, len(images))
	err := parallel(c.Parallelism, len(images), func(i int) error {
		if err := tagOne(ctx, cl, images[i], tags(images[i])); err != nil {
			return err
		}
		done[i] = true
		return nil
	})
	if err == nil {
		return nil
	}
	var left []string
	for i, im := range images {
		if !done[i] {
			continue
		}
		var keys []string
		for k := range tags(im) {
			keys = append(keys, k)
		}
		if rerr := untagOne(ctx, cl, im, keys); rerr != nil {
			left = append(left, fmt.Sprintf("%s (%s)", im.ref, strings.Join(keys, ", ")))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("%w; the compliance tags already written could not be removed again: remove them by hand from %s", err, strings.Join(left, "; "))
	}
	return err
}

func tagEach(ctx context.Context, cl *clouds, limit int, images []*image, tags func(*image) map[string]string) error {
	return parallel(limit, len(images), func(i int) error { return tagOne(ctx, cl, images[i], tags(images[i])) })
}

// tagOne writes tags on an AMI or labels on a GCE image.
func tagOne(ctx context.Context, cl *clouds, im *image, tags map[string]string) error {
	switch im.ref.Provider {
	case imageref.AWS:
		a, err := cl.aws(ctx)
		if err != nil {
			return err
		}
		if err := a.TagImage(ctx, aws.ImageRef{Region: im.ref.Location, ImageID: im.ref.ImageID}, tags); err != nil {
			return fmt.Errorf("tag %s: %w", im.ref, err)
		}
	case imageref.GCE:
		g, err := cl.gce(ctx)
		if err != nil {
			return err
		}
		if err := g.SetLabels(ctx, im.ref.Location, im.ref.ImageID, tags); err != nil {
			return fmt.Errorf("label %s: %w", im.ref, err)
		}
	}
	return nil
}

// untagOne removes tags or labels by key.
func untagOne(ctx context.Context, cl *clouds, im *image, keys []string) error {
	switch im.ref.Provider {
	case imageref.AWS:
		a, err := cl.aws(ctx)
		if err != nil {
			return err
		}
		return a.UntagImage(ctx, aws.ImageRef{Region: im.ref.Location, ImageID: im.ref.ImageID}, keys)
	case imageref.GCE:
		g, err := cl.gce(ctx)
		if err != nil {
			return err
		}
		return g.RemoveLabels(ctx, im.ref.Location, im.ref.ImageID, keys)
	}
	return nil
}
