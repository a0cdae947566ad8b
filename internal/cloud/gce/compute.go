package gce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"

	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
)

// Image is what Compute images.get says about one image.
type Image struct {
	Project, Name string
	// ID is the numeric id, never reused, as a decimal string.
	ID                                                        string
	SelfLink, CreationTimestamp, Status, Family, Architecture string
	SourceImage, SourceImageID, SourceDisk, SourceDiskID      string
	StorageLocations, Licenses                                []string
	DiskSizeGB, ArchiveSizeBytes                              int64
	Labels                                                    map[string]string
	LabelFingerprint                                          string
}

// Image returns the facts of an image, by name or numeric id.
func (c *Client) Image(ctx context.Context, project, image string) (Image, error) {
	ic, err := c.imagesClient(ctx)
	if err != nil {
		return Image{}, err
	}
	var img *computepb.Image
	err = c.retry(ctx, func() error {
		var err error
		img, err = ic.Get(ctx, &computepb.GetImageRequest{Project: project, Image: image})
		return err
	})
	if err != nil {
		return Image{}, fmt.Errorf("get image %s in project %s: %w", image, project, err)
	}
	out := Image{
		Project: project, Name: img.GetName(), ID: strconv.FormatUint(img.GetId(), 10), SelfLink: img.GetSelfLink(),
		CreationTimestamp: img.GetCreationTimestamp(), Status: img.GetStatus(), Family: img.GetFamily(), Architecture: img.GetArchitecture(),
		SourceImage: img.GetSourceImage(), SourceImageID: img.GetSourceImageId(), SourceDisk: img.GetSourceDisk(), SourceDiskID: img.GetSourceDiskId(),
		StorageLocations: img.GetStorageLocations(), Licenses: img.GetLicenses(), DiskSizeGB: img.GetDiskSizeGb(),
		ArchiveSizeBytes: img.GetArchiveSizeBytes(), Labels: map[string]string{}, LabelFingerprint: img.GetLabelFingerprint(),
	}
	for k, v := range img.GetLabels() {
		out.Labels[k] = v
	}
	return out, nil
}

// SetLabels merges labels into the image's labels. A concurrent change
// (the fingerprint no longer matches) is read again and retried.
func (c *Client) SetLabels(ctx context.Context, project, image string, labels map[string]string) error {
	return c.updateLabels(ctx, project, image, func(cur map[string]string) error {
		if err := ValidateLabels(cur, labels); err != nil {
			return err
		}
		for k, v := range labels {
			cur[k] = v
		}
		return nil
	})
}

// RemoveLabels removes labels by key from the image.
func (c *Client) RemoveLabels(ctx context.Context, project, image string, keys []string) error {
	return c.updateLabels(ctx, project, image, func(cur map[string]string) error {
		for _, k := range keys {
			delete(cur, k)
		}
		return nil
	})
}

// updateLabels reads the labels, lets change edit them, and writes them
// back with the fingerprint read, retrying on a concurrent change.
func (c *Client) updateLabels(ctx context.Context, project, image string, change func(map[string]string) error) error {
	ic, err := c.imagesClient(ctx)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		cur, err := c.Image(ctx, project, image)
		if err != nil {
			return err
		}
		if err := change(cur.Labels); err != nil {
			return fmt.Errorf("label image %s in project %s: %w", image, project, err)
		}
		err = c.retry(ctx, func() error {
			op, err := ic.SetLabels(ctx, &computepb.SetLabelsImageRequest{Project: project, Resource: cur.Name,
				GlobalSetLabelsRequestResource: &computepb.GlobalSetLabelsRequest{Labels: cur.Labels, LabelFingerprint: &cur.LabelFingerprint}})
			if err != nil {
				return err
			}
			return op.Wait(ctx)
		})
		if err == nil {
			return nil
		}
		if httpCode(err) != http.StatusPreconditionFailed || attempt >= 3 {
			return fmt.Errorf("label image %s in project %s: %w", image, project, err)
		}
	}
}

// GCE label limits.
const (
	MaxLabels   = 64
	MaxLabelLen = 63
)

var (
	labelKey   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	labelValue = regexp.MustCompile(`^[a-z0-9_-]{0,63}$`)
)

// ValidateLabels checks labels, merged into existing, against GCE's rules.
// GCE also accepts international lowercase letters; this check does not,
// to keep the rule simple to state.
func ValidateLabels(existing, labels map[string]string) error {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := len(existing)
	var errs []error
	for _, k := range keys {
		if !labelKey.MatchString(k) {
			errs = append(errs, fmt.Errorf("label key %q: keys start with a lowercase letter and have at most %d of a-z, 0-9, _ and -", k, MaxLabelLen))
		}
		if v := labels[k]; !labelValue.MatchString(v) {
			errs = append(errs, fmt.Errorf("label %s: value %q: values have at most %d of a-z, 0-9, _ and -", k, v, MaxLabelLen))
		}
		if _, ok := existing[k]; !ok {
			n++
		}
	}
	if n > MaxLabels {
		errs = append(errs, fmt.Errorf("the image would have %d labels (%d existing), the limit is %d", n, len(existing), MaxLabels))
	}
	return errors.Join(errs...)
}

// DeleteImage deletes an image. Only the acceptance tests use it: the
// plugin never deletes an image.
func (c *Client) DeleteImage(ctx context.Context, project, image string) error {
	ic, err := c.imagesClient(ctx)
	if err != nil {
		return err
	}
	op, err := ic.Delete(ctx, &computepb.DeleteImageRequest{Project: project, Image: image})
	if err == nil {
		err = op.Wait(ctx)
	}
	if err != nil {
		return fmt.Errorf("delete image %s in project %s: %w", image, project, err)
	}
	return nil
}

// Descriptor is the canonical descriptor of the image: only facts that do
// not change while the image exists, plus fsManifestDigest.
func (i Image) Descriptor(fsManifestDigest string) *descriptor.Descriptor {
	return &descriptor.Descriptor{Schema: descriptor.SchemaURI, Provider: "gce", FSManifestDigest: fsManifestDigest, GCE: &descriptor.GCEImage{
		Project: i.Project, Name: i.Name, ID: i.ID, SelfLink: i.SelfLink, CreationTimestamp: i.CreationTimestamp,
		Architecture: i.Architecture, Family: i.Family, SourceImage: i.SourceImage, SourceImageID: i.SourceImageID,
		SourceDisk: i.SourceDisk, SourceDiskID: i.SourceDiskID, StorageLocations: i.StorageLocations,
	}}
}
