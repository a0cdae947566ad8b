package descriptor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// SchemaURI identifies version 1 of the descriptor format.
const SchemaURI = "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/schemas/image-descriptor-v1.json"

// Descriptor is one image. Exactly one of AWS and GCE is set.
type Descriptor struct {
	Schema   string    `json:"schema"`
	Provider string    `json:"provider"`
	AWS      *AWSImage `json:"aws,omitempty"`
	GCE      *GCEImage `json:"gce,omitempty"`
	// FSManifestDigest is the digest of the filesystem manifest that
	// hardening-finalize recorded in the guest before capture.
	FSManifestDigest string `json:"fs_manifest_digest,omitempty"`
}

// AWSImage holds the facts EC2 DescribeImages reports for one AMI.
type AWSImage struct {
	Region             string   `json:"region"`
	Account            string   `json:"account"`
	ImageID            string   `json:"image_id"`
	ARN                string   `json:"arn"`
	Name               string   `json:"name"`
	CreationDate       string   `json:"creation_date"`
	Architecture       string   `json:"architecture"`
	BootMode           string   `json:"boot_mode,omitempty"`
	RootDeviceName     string   `json:"root_device_name,omitempty"`
	VirtualizationType string   `json:"virtualization_type,omitempty"`
	SnapshotIDs        []string `json:"snapshot_ids"`
	SourceImageID      string   `json:"source_image_id,omitempty"`
	SourceImageRegion  string   `json:"source_image_region,omitempty"`
}

// GCEImage holds the facts Compute images.get reports for one image.
type GCEImage struct {
	Project           string   `json:"project"`
	Name              string   `json:"name"`
	ID                string   `json:"id"`
	SelfLink          string   `json:"self_link"`
	CreationTimestamp string   `json:"creation_timestamp"`
	Architecture      string   `json:"architecture,omitempty"`
	Family            string   `json:"family,omitempty"`
	SourceImage       string   `json:"source_image,omitempty"`
	SourceImageID     string   `json:"source_image_id,omitempty"`
	SourceDisk        string   `json:"source_disk,omitempty"`
	SourceDiskID      string   `json:"source_disk_id,omitempty"`
	StorageLocations  []string `json:"storage_locations,omitempty"`
}

// Name is the subject name of the descriptor: "aws:REGION:AMI" or
// "gce:PROJECT:IMAGE".
func (d *Descriptor) Name() string {
	switch {
	case d.AWS != nil:
		return "aws:" + d.AWS.Region + ":" + d.AWS.ImageID
	case d.GCE != nil:
		return "gce:" + d.GCE.Project + ":" + d.GCE.Name
	}
	return ""
}

// Validate checks that the descriptor names exactly one image.
func (d *Descriptor) Validate() error {
	switch {
	case d.Schema != SchemaURI:
		return fmt.Errorf("descriptor schema %q, want %q", d.Schema, SchemaURI)
	case d.Provider == "aws" && d.AWS != nil && d.GCE == nil:
		if d.AWS.Region == "" || d.AWS.ImageID == "" || d.AWS.Account == "" {
			return fmt.Errorf("aws descriptor needs region, account and image_id")
		}
	case d.Provider == "gce" && d.GCE != nil && d.AWS == nil:
		if d.GCE.Project == "" || d.GCE.Name == "" || d.GCE.ID == "" {
			return fmt.Errorf("gce descriptor needs project, name and id")
		}
	default:
		return fmt.Errorf("descriptor provider %q must be aws or gce with exactly that section", d.Provider)
	}
	return nil
}

// Canonical returns the descriptor's canonical bytes: compact JSON with
// object keys sorted, no HTML escaping, and one trailing newline.
func (d *Descriptor) Canonical() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode descriptor: %w", err)
	}
	return Canonicalize(raw)
}

// Canonicalize re-encodes any JSON document canonically (see Canonical).
func Canonicalize(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode JSON: trailing data")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Maps encode with sorted keys; Encode adds the trailing newline.
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// Parse decodes canonical descriptor bytes, refusing anything that is not
// exactly canonical, so two readers can never disagree about what was signed.
func Parse(b []byte) (*Descriptor, error) {
	var d Descriptor
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decode descriptor: %w", err)
	}
	c, err := d.Canonical()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(c, b) {
		return nil, fmt.Errorf("descriptor is not in canonical form")
	}
	return &d, nil
}

// SHA256 is the hex sha256 of b, the subject digest of a descriptor.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
