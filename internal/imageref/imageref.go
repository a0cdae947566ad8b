package imageref

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Provider names where an image lives.
type Provider string

const (
	AWS    Provider = "aws"
	GCE    Provider = "gce"
	Rootfs Provider = "rootfs"
)

// Builder IDs this package understands, by provider. The amazon-import and
// googlecompute-import post-processors produce the same artifacts as the
// builders.
var (
	AWSBuilderIDs = []string{
		"mitchellh.amazonebs",
		"mitchellh.amazon.chroot",
		"mitchellh.amazon.ebssurrogate",
		"mitchellh.amazon.instance",
		"packer.post-processor.amazon-import",
	}
	GCEBuilderIDs = []string{
		"packer.googlecompute",
		"packer.post-processor.googlecompute-import",
	}
	RootfsBuilderIDs = []string{"imagesmith.hardening-rootfs"}
)

// Ref is one built image.
type Ref struct {
	Provider Provider
	// Location is the AWS region, the GCE project, or "local".
	Location string
	// ImageID is the AMI ID, the GCE image name, or the file name of the
	// tarball or disk image.
	ImageID string
	// Path is the local tarball or disk file (rootfs only).
	Path string
	// SHA256 is the digest the builder reported for Path (rootfs only).
	SHA256 string
	// DiskFormat is raw, qcow2 or gce for a disk image file, empty for the
	// tarball (rootfs only).
	DiskFormat string
	// SourceImageID is what the builder reports as its source image, if any.
	SourceImageID string
}

// String is the reference as users write it: "aws:us-east-1:ami-…".
func (r Ref) String() string { return string(r.Provider) + ":" + r.Location + ":" + r.ImageID }

// Artifact is what FromArtifact reads; packersdk.Artifact satisfies it.
type Artifact interface {
	BuilderId() string
	Id() string
	Files() []string
	State(name string) interface{}
}

// Options fill in what an artifact may not carry.
type Options struct {
	// GCEProject is used when a GCE artifact does not name its project.
	GCEProject string
}

// AcceptedBuilders lists every builder ID FromArtifact accepts, for errors.
func AcceptedBuilders() []string {
	var all []string
	all = append(all, AWSBuilderIDs...)
	all = append(all, GCEBuilderIDs...)
	all = append(all, RootfsBuilderIDs...)
	return all
}

// FromArtifact returns the images of a, sorted by location.
func FromArtifact(a Artifact, opts Options) ([]Ref, error) {
	id := a.BuilderId()
	var refs []Ref
	var err error
	switch {
	case contains(AWSBuilderIDs, id):
		refs, err = awsRefs(a)
	case contains(GCEBuilderIDs, id):
		refs, err = gceRefs(a, opts)
	case contains(RootfsBuilderIDs, id):
		refs, err = rootfsRefs(a)
	default:
		return nil, fmt.Errorf("artifact from builder %q is not supported: accepted builders are amazon-ebs, amazon-chroot, amazon-ebssurrogate, amazon-instance, amazon-import, googlecompute, googlecompute-import and hardening-rootfs (builder IDs %s)",
			id, strings.Join(AcceptedBuilders(), ", "))
	}
	if err != nil {
		return nil, err
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Location < refs[j].Location })
	return refs, nil
}

// awsRefs parses the amazon artifact's Id(), "region:ami-…,region:ami-…",
// and takes the source AMI from the HCP Packer metadata when present.
func awsRefs(a Artifact) ([]Ref, error) {
	var refs []Ref
	seen := map[string]bool{}
	for _, part := range strings.Split(a.Id(), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		region, ami, ok := strings.Cut(part, ":")
		if !ok || !validRegion(region) || !strings.HasPrefix(ami, "ami-") {
			return nil, fmt.Errorf("amazon artifact ID %q: entry %q is not region:ami-ID", a.Id(), part)
		}
		if seen[region] {
			return nil, fmt.Errorf("amazon artifact ID %q: region %s appears twice", a.Id(), region)
		}
		seen[region] = true
		refs = append(refs, Ref{Provider: AWS, Location: region, ImageID: ami})
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("amazon artifact has no AMI (ID %q)", a.Id())
	}
	for _, img := range registryImages(a.State("par.artifact.metadata")) {
		for i := range refs {
			if refs[i].ImageID == img.ImageID && img.SourceImageID != "" {
				refs[i].SourceImageID = img.SourceImageID
			}
		}
	}
	if gd := stringMap(a.State("generated_data")); gd["SourceAMI"] != "" {
		for i := range refs {
			if refs[i].SourceImageID == "" {
				refs[i].SourceImageID = gd["SourceAMI"]
			}
		}
	}
	return refs, nil
}

// gceRefs takes the image name from Id() and the project from the artifact's
// "ProjectId" state, its HCP Packer labels, or opts.
func gceRefs(a Artifact, opts Options) ([]Ref, error) {
	name := strings.TrimSpace(a.Id())
	if name == "" {
		return nil, fmt.Errorf("googlecompute artifact has no image name")
	}
	project := scalar(a.State("ProjectId"))
	var source string
	for _, img := range registryImages(a.State("par.artifact.metadata")) {
		if project == "" {
			project = img.Labels["project_id"]
		}
		source = img.SourceImageID
	}
	if project == "" {
		project = opts.GCEProject
	}
	if project == "" {
		return nil, fmt.Errorf("googlecompute artifact for image %q does not name its project: set gce_project", name)
	}
	if gd := stringMap(a.State("generated_data")); source == "" {
		source = gd["SourceImageName"]
	}
	return []Ref{{Provider: GCE, Location: project, ImageID: name, SourceImageID: source}}, nil
}

// rootfsRefs returns the tarball and disk files of a hardening-rootfs
// artifact, each with the digest the builder reported in its metadata.
func rootfsRefs(a Artifact) ([]Ref, error) {
	files := a.Files()
	if len(files) == 0 {
		return nil, fmt.Errorf("hardening-rootfs artifact has no files")
	}
	meta := stringMap(a.State("metadata"))
	reported := map[string]string{}
	formats := map[string]string{}
	if meta["tarball"] != "" {
		reported[meta["tarball"]] = meta["sha256"]
	}
	for k, path := range meta {
		if format, ok := strings.CutPrefix(k, "disk_"); ok && !strings.Contains(format, "_") && format != "size" {
			reported[path] = meta[k+"_sha256"]
			formats[path] = format
		}
	}
	// An artifact from before the disk output carries its tarball's digest
	// in its ID only.
	if len(files) == 1 && reported[files[0]] == "" {
		reported[files[0]], _ = strings.CutPrefix(a.Id(), "sha256:")
	}
	var refs []Ref
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		switch {
		case f == "" || name == "." || name == "/":
			return nil, fmt.Errorf("hardening-rootfs artifact lists an empty file name")
		case seen[name]:
			return nil, fmt.Errorf("hardening-rootfs artifact lists %s twice", name)
		case !validSHA256(reported[f]):
			return nil, fmt.Errorf("hardening-rootfs artifact does not report the sha256 of %s", f)
		}
		seen[name] = true
		refs = append(refs, Ref{Provider: Rootfs, Location: "local", ImageID: name, Path: f, SHA256: reported[f], DiskFormat: formats[f]})
	}
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].ImageID < refs[j].ImageID })
	return refs, nil
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// registryImage is the shape of the SDK's registry image after msgpack.
type registryImage struct {
	ImageID        string
	ProviderName   string
	ProviderRegion string
	Labels         map[string]string
	SourceImageID  string
}

// registryImages decodes "par.artifact.metadata": one image or a list.
func registryImages(v interface{}) []registryImage {
	b, err := json.Marshal(Normalize(v))
	if err != nil || string(b) == "null" {
		return nil
	}
	var list []registryImage
	if json.Unmarshal(b, &list) == nil {
		return list
	}
	var one registryImage
	if json.Unmarshal(b, &one) == nil {
		return []registryImage{one}
	}
	return nil
}

// stringMap decodes a map whose values are strings or scalars; others are dropped.
func stringMap(v interface{}) map[string]string {
	out := map[string]string{}
	if m, ok := Normalize(v).(map[string]interface{}); ok {
		for k, x := range m {
			if s := scalar(x); s != "" {
				out[k] = s
			}
		}
	}
	return out
}

func scalar(v interface{}) string {
	switch x := Normalize(v).(type) {
	case string:
		return x
	case nil:
		return ""
	case bool, float64, float32, int, int64, int32, uint64, uint32, uint:
		return fmt.Sprint(x)
	}
	return ""
}

// Normalize turns msgpack-decoded values (map[interface{}]interface{},
// []byte strings) into JSON-marshalable ones.
func Normalize(v interface{}) interface{} {
	switch x := v.(type) {
	case map[interface{}]interface{}:
		m := make(map[string]interface{}, len(x))
		for k, val := range x {
			m[fmt.Sprint(Normalize(k))] = Normalize(val)
		}
		return m
	case map[string]interface{}:
		m := make(map[string]interface{}, len(x))
		for k, val := range x {
			m[k] = Normalize(val)
		}
		return m
	case map[string]string:
		m := make(map[string]interface{}, len(x))
		for k, val := range x {
			m[k] = val
		}
		return m
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, val := range x {
			out[i] = Normalize(val)
		}
		return out
	case []byte:
		return string(x)
	}
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validRegion accepts AWS region names such as us-east-1 or us-gov-west-1.
func validRegion(r string) bool {
	if len(r) < 4 || len(r) > 32 {
		return false
	}
	for _, c := range r {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return strings.Contains(r, "-")
}
