package gce

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strconv"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
)

// labelConflictAttempts bounds how often a label change is read again and
// retried when another writer changed the labels in between (412).
const labelConflictAttempts = 3

// Image is what Compute images.get says about one image.
type Image struct {
	Project, Name string
	// ID is the numeric id, never reused, as a decimal string.
	ID                                                        string
	SelfLink, CreationTimestamp, Status, Family, Architecture string
	SourceImage, SourceImageID, SourceDisk, SourceDiskID      string
	StorageLocations                                          []string
	Licenses                                                  []string
	DiskSizeGB, ArchiveSizeBytes                              int64
	Labels                                                    map[string]string
	LabelFingerprint                                          string
}

// Image returns the facts of an image, by name or numeric id.
func (c *Client) Image(ctx context.Context, project, image string) (Image, error) {
	ic, err := c.imagesClient(ctx)
	if err != nil {
		return Image{}, fmt.Errorf("get image %s in project %s: %w", image, project, err)
	}
	var img *computepb.Image
	err = c.retry(ctx, func() error {
		var err error
		img, err = ic.Get(ctx, &computepb.GetImageRequest{Project: project, Image: image}, noLibraryRetry)
		return err
	})
	if err != nil {
		return Image{}, fmt.Errorf("get image %s in project %s: %w", image, project, err)
	}
	labels := maps.Clone(img.GetLabels())
	if labels == nil {
		labels = map[string]string{}
	}
	return Image{
		Project: project, Name: img.GetName(), ID: strconv.FormatUint(img.GetId(), 10),
		SelfLink: img.GetSelfLink(), CreationTimestamp: img.GetCreationTimestamp(), Status: img.GetStatus(),
		Family: img.GetFamily(), Architecture: img.GetArchitecture(),
		SourceImage: img.GetSourceImage(), SourceImageID: img.GetSourceImageId(),
		SourceDisk: img.GetSourceDisk(), SourceDiskID: img.GetSourceDiskId(),
		StorageLocations: img.GetStorageLocations(), Licenses: img.GetLicenses(),
		DiskSizeGB: img.GetDiskSizeGb(), ArchiveSizeBytes: img.GetArchiveSizeBytes(),
		Labels: labels, LabelFingerprint: img.GetLabelFingerprint(),
	}, nil
}

// SetLabels merges labels into the image's labels. The labels are checked
// before any call; the merged set is written with the fingerprint read, so
// a concurrent change (412) is read again and merged, never overwritten.
func (c *Client) SetLabels(ctx context.Context, project, image string, labels map[string]string) error {
	if err := ValidateLabels(nil, labels); err != nil {
		return fmt.Errorf("label image %s in project %s: %w", image, project, err)
	}
	return c.updateLabels(ctx, project, image, func(cur map[string]string) error {
		if err := ValidateLabels(cur, labels); err != nil {
			return err
		}
		maps.Copy(cur, labels)
		return nil
	})
}

// RemoveLabels removes labels by key from the image; absent keys are fine.
func (c *Client) RemoveLabels(ctx context.Context, project, image string, keys []string) error {
	return c.updateLabels(ctx, project, image, func(cur map[string]string) error {
		for _, k := range keys {
			delete(cur, k)
		}
		return nil
	})
}

// updateLabels reads the labels, lets change edit them, and writes them
// back with the fingerprint read, reading again on a concurrent change.
// Nothing is written when change leaves the labels as they were.
func (c *Client) updateLabels(ctx context.Context, project, image string, change func(map[string]string) error) error {
	ic, err := c.imagesClient(ctx)
	if err != nil {
		return fmt.Errorf("label image %s in project %s: %w", image, project, err)
	}
	for attempt := 1; ; attempt++ {
		cur, err := c.Image(ctx, project, image)
		if err != nil {
			return err
		}
		labels := maps.Clone(cur.Labels)
		if err := change(labels); err != nil {
			return fmt.Errorf("label image %s in project %s: %w", image, project, err)
		}
		if maps.Equal(labels, cur.Labels) {
			return nil
		}
		var op *compute.Operation
		err = c.retry(ctx, func() error {
			var err error
			op, err = ic.SetLabels(ctx, &computepb.SetLabelsImageRequest{Project: project, Resource: cur.Name,
				GlobalSetLabelsRequestResource: &computepb.GlobalSetLabelsRequest{Labels: labels, LabelFingerprint: &cur.LabelFingerprint}},
				noLibraryRetry)
			return err
		})
		if httpCode(err) == http.StatusPreconditionFailed && attempt < labelConflictAttempts {
			continue
		}
		if err == nil {
			err = c.wait(ctx, op)
		}
		if err != nil {
			return fmt.Errorf("label image %s in project %s: %w", image, project, err)
		}
		return nil
	}
}

// wait polls op until it is DONE; the library turns an operation that
// failed into an error.
func (c *Client) wait(ctx context.Context, op *compute.Operation) error {
	err := c.retry(ctx, func() error { return op.Wait(ctx, noLibraryRetry) })
	if err != nil {
		return fmt.Errorf("wait for operation %s: %w", op.Name(), err)
	}
	return nil
}

// DeleteImage deletes an image. Only the acceptance tests use it: the
// plugin never deletes an image.
func (c *Client) DeleteImage(ctx context.Context, project, image string) error {
	ic, err := c.imagesClient(ctx)
	if err != nil {
		return fmt.Errorf("delete image %s in project %s: %w", image, project, err)
	}
	var op *compute.Operation
	err = c.retry(ctx, func() error {
		var err error
		op, err = ic.Delete(ctx, &computepb.DeleteImageRequest{Project: project, Image: image}, noLibraryRetry)
		return err
	})
	if err == nil {
		err = c.wait(ctx, op)
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
