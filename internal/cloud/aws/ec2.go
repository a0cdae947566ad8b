package aws

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
)

// ImageRef names one AMI.
type ImageRef struct{ Region, ImageID string }

// Image is what EC2 DescribeImages says about one AMI.
type Image struct {
	Region, ImageID, OwnerID string
	// ARN is arn:PARTITION:ec2:REGION::image/ID; EC2 does not return it.
	ARN                                                                         string
	Name, Description, CreationDate, State                                      string
	Architecture, BootMode, RootDeviceName, VirtualizationType, PlatformDetails string
	// SourceImageID and SourceImageRegion are set for copied AMIs.
	SourceImageID, SourceImageRegion string
	// SnapshotIDs of the EBS block device mappings, in device-name order.
	SnapshotIDs []string
	Tags        map[string]string
}

// DescribeImage returns the facts of one AMI. An image EC2 does not know
// is an error, as is any answer but exactly that one image.
func (c *Client) DescribeImage(ctx context.Context, ref ImageRef) (Image, error) {
	out, err := c.ec2(ref.Region).DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{ref.ImageID}})
	if err != nil {
		return Image{}, fmt.Errorf("describe image %s in %s: %w", ref.ImageID, ref.Region, err)
	}
	if len(out.Images) != 1 {
		return Image{}, fmt.Errorf("describe image %s in %s: EC2 returned %d images, want 1", ref.ImageID, ref.Region, len(out.Images))
	}
	img := out.Images[0]
	if sdk.ToString(img.ImageId) != ref.ImageID {
		return Image{}, fmt.Errorf("describe image %s in %s: EC2 returned %s", ref.ImageID, ref.Region, sdk.ToString(img.ImageId))
	}
	return fromEC2(ref.Region, img), nil
}

// DescribeImages describes every AMI, all regions at once, and returns
// them in the order of refs. Any failure fails the whole call, naming every
// region that failed; the others are not cancelled, so that the error is
// the whole list and not one region and a row of cancellations.
func (c *Client) DescribeImages(ctx context.Context, refs []ImageRef) ([]Image, error) {
	images := make([]Image, len(refs))
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	for i, r := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			images[i], errs[i] = c.DescribeImage(ctx, r)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return images, nil
}

func fromEC2(region string, img types.Image) Image {
	im := Image{
		Region: region, ImageID: sdk.ToString(img.ImageId), OwnerID: sdk.ToString(img.OwnerId),
		Name: sdk.ToString(img.Name), Description: sdk.ToString(img.Description), CreationDate: sdk.ToString(img.CreationDate),
		State: string(img.State), Architecture: string(img.Architecture), BootMode: string(img.BootMode),
		RootDeviceName: sdk.ToString(img.RootDeviceName), VirtualizationType: string(img.VirtualizationType),
		PlatformDetails: sdk.ToString(img.PlatformDetails), SourceImageID: sdk.ToString(img.SourceImageId),
		SourceImageRegion: sdk.ToString(img.SourceImageRegion), Tags: map[string]string{}, SnapshotIDs: []string{},
	}
	im.ARN = "arn:" + Partition(region) + ":ec2:" + region + "::image/" + im.ImageID
	bdm := append([]types.BlockDeviceMapping(nil), img.BlockDeviceMappings...)
	sort.SliceStable(bdm, func(i, j int) bool { return sdk.ToString(bdm[i].DeviceName) < sdk.ToString(bdm[j].DeviceName) })
	for _, m := range bdm {
		if m.Ebs != nil && m.Ebs.SnapshotId != nil {
			im.SnapshotIDs = append(im.SnapshotIDs, *m.Ebs.SnapshotId)
		}
	}
	for _, t := range img.Tags {
		im.Tags[sdk.ToString(t.Key)] = sdk.ToString(t.Value)
	}
	return im
}

// Partition is the ARN partition of region.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// EC2 tag limits.
const (
	MaxTags        = 50
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
)

// ValidateTags checks tags, to be added to an image that has existing,
// against EC2's limits: keys of 1 to 128 characters without the reserved
// aws: prefix, values of at most 256, and at most 50 tags once the new keys
// are added. Callers that tag several images check them all first, so that
// nothing is tagged when one image's tags would not fit.
func ValidateTags(existing, tags map[string]string) error {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := len(existing)
	var errs []error
	for _, k := range keys {
		v := tags[k]
		switch {
		case k == "" || utf8.RuneCountInString(k) > MaxTagKeyLen:
			errs = append(errs, fmt.Errorf("tag key %q: keys must have 1 to %d characters", k, MaxTagKeyLen))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs = append(errs, fmt.Errorf("tag key %q: the aws: prefix is reserved", k))
		}
		if utf8.RuneCountInString(v) > MaxTagValueLen {
			errs = append(errs, fmt.Errorf("tag %s: value of %d characters, the limit is %d", k, utf8.RuneCountInString(v), MaxTagValueLen))
		}
		if _, ok := existing[k]; !ok {
			n++
		}
	}
	if n > MaxTags {
		errs = append(errs, fmt.Errorf("the image would have %d tags (%d existing, %d new), the limit is %d", n, len(existing), n-len(existing), MaxTags))
	}
	return errors.Join(errs...)
}

// TagImage adds tags to an AMI, or changes their values. It first reads
// the image's tags and checks the result with ValidateTags, so that a
// limit is reported by name instead of EC2's bare TagLimitExceeded.
func (c *Client) TagImage(ctx context.Context, ref ImageRef, tags map[string]string) error {
	// Bad keys and values need no API call to be refused.
	if err := ValidateTags(nil, tags); err != nil {
		return fmt.Errorf("tag image %s in %s: %w", ref.ImageID, ref.Region, err)
	}
	img, err := c.DescribeImage(ctx, ref)
	if err != nil {
		return fmt.Errorf("tag image: %w", err)
	}
	if err := ValidateTags(img.Tags, tags); err != nil {
		return fmt.Errorf("tag image %s in %s: %w", ref.ImageID, ref.Region, err)
	}
	in := &ec2.CreateTagsInput{Resources: []string{ref.ImageID}}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		in.Tags = append(in.Tags, types.Tag{Key: sdk.String(k), Value: sdk.String(tags[k])})
	}
	if _, err := c.ec2(ref.Region).CreateTags(ctx, in); err != nil {
		return fmt.Errorf("tag image %s in %s: %w", ref.ImageID, ref.Region, err)
	}
	return nil
}

// UntagImage removes tags by key from an AMI.
func (c *Client) UntagImage(ctx context.Context, ref ImageRef, keys []string) error {
	in := &ec2.DeleteTagsInput{Resources: []string{ref.ImageID}}
	for _, k := range keys {
		in.Tags = append(in.Tags, types.Tag{Key: sdk.String(k)})
	}
	if _, err := c.ec2(ref.Region).DeleteTags(ctx, in); err != nil {
		return fmt.Errorf("untag image %s in %s: %w", ref.ImageID, ref.Region, err)
	}
	return nil
}

// DeregisterImage deregisters an AMI and deletes its snapshots. Only the
// acceptance tests use it: the plugin never deletes an image.
func (c *Client) DeregisterImage(ctx context.Context, ref ImageRef) error {
	img, err := c.DescribeImage(ctx, ref)
	if err != nil {
		return err
	}
	client := c.ec2(ref.Region)
	if _, err := client.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: sdk.String(ref.ImageID)}); err != nil {
		return fmt.Errorf("deregister %s in %s: %w", ref.ImageID, ref.Region, err)
	}
	var errs []error
	for _, s := range img.SnapshotIDs {
		if _, err := client.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: sdk.String(s)}); err != nil {
			errs = append(errs, fmt.Errorf("delete snapshot %s in %s: %w", s, ref.Region, err))
		}
	}
	return errors.Join(errs...)
}

// Descriptor is the canonical descriptor of the image: only facts that do
// not change while the image exists, plus fsManifestDigest.
func (i Image) Descriptor(fsManifestDigest string) *descriptor.Descriptor {
	snaps := i.SnapshotIDs
	if snaps == nil {
		snaps = []string{}
	}
	return &descriptor.Descriptor{Schema: descriptor.SchemaURI, Provider: "aws", FSManifestDigest: fsManifestDigest, AWS: &descriptor.AWSImage{
		Region: i.Region, Account: i.OwnerID, ImageID: i.ImageID, ARN: i.ARN, Name: i.Name, CreationDate: i.CreationDate,
		Architecture: i.Architecture, BootMode: i.BootMode, RootDeviceName: i.RootDeviceName, VirtualizationType: i.VirtualizationType,
		SnapshotIDs: snaps, SourceImageID: i.SourceImageID, SourceImageRegion: i.SourceImageRegion,
	}}
}
