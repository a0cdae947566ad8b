// Package verify checks an image's published attestations: every bundle's
// signature against a trusted key, the binding of every statement to the
// image's descriptor (or tarball), the descriptor against what the cloud
// reports for the image now, and a policy. Everything it reports comes
// from verified statements only.
package verify

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// ErrNotFound is what a Source returns for a file it does not have.
var ErrNotFound = errors.New("not found")

// Source reads the files of one image's attestation directory.
type Source interface {
	Read(ctx context.Context, name string) ([]byte, error)
	String() string
}

// Dir is a local image directory.
type Dir string

func (d Dir) String() string { return string(d) }

// Read reads name, at most 64 MiB.
func (d Dir) Read(_ context.Context, name string) ([]byte, error) {
	f, err := os.Open(filepath.Join(string(d), name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, name)
}

const maxFile = 64 << 20

func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%s is larger than %d MiB", name, maxFile>>20)
	}
	return b, nil
}

// Subject says what the attestations must be about.
type Subject struct {
	// Live is the descriptor built from what the cloud reports for the
	// image now; the published descriptor must match it.
	Live *descriptor.Descriptor
	// Tarball is a local rootfs tarball, its own subject.
	Tarball string
}

// Policy is what the attestations must show.
type Policy struct {
	// Require lists the statements that must be present: provenance,
	// cyclonedx, spdx, cis. "sbom" means cyclonedx or spdx.
	Require []string
	// MinLevel is the lowest CIS level the profile may have (1 or 2).
	MinLevel int
	// MaxFailed is how many unwaived Level 1 controls may fail or error.
	MaxFailed int
	// MaxAge is how old the provenance may be; 0 for any age.
	MaxAge time.Duration
	// AllowedBuilders are the accepted SLSA builder ids; empty for any.
	AllowedBuilders []string
	// Now is the time age is measured at; time.Now when nil.
	Now func() time.Time
}

// Problem is one reason verification failed.
type Problem struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
}

// Report is the outcome; its data comes only from verified statements.
type Report struct {
	Source        string                 `json:"source"`
	Subject       string                 `json:"subject"`
	SubjectSHA256 string                 `json:"subject_sha256"`
	Descriptor    *descriptor.Descriptor `json:"descriptor,omitempty"`
	Verified      []string               `json:"verified"`
	Provenance    *attest.Provenance     `json:"provenance,omitempty"`
	CIS           *evidence.CISResults   `json:"cis,omitempty"`
	SBOM          *SBOMStats             `json:"sbom,omitempty"`
	Problems      []Problem              `json:"problems"`
	OK            bool                   `json:"ok"`
}

// SBOMStats summarises the verified SBOMs.
type SBOMStats struct {
	CycloneDXComponents int            `json:"cyclonedx_components"`
	SPDXPackages        int            `json:"spdx_packages"`
	ByType              map[string]int `json:"by_purl_type"`
}

func (r *Report) fail(check, format string, a ...any) {
	r.Problems = append(r.Problems, Problem{Check: check, Reason: fmt.Sprintf(format, a...)})
}

// Verify checks the attestations in src with pub against subj and pol.
// An error means verification could not run; a failed check is a Problem
// in the report.
func Verify(ctx context.Context, src Source, pub crypto.PublicKey, subj Subject, pol Policy) (*Report, error) {
	r := &Report{Source: src.String(), Problems: []Problem{}, Verified: []string{}}
	if err := r.subject(ctx, src, subj); err != nil {
		return nil, err
	}
	statements := map[string]*attest.Statement{}
	for _, k := range layout.Kinds {
		b, err := src.Read(ctx, k.File)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		st, err := attest.Verify(b, pub, r.SubjectSHA256)
		switch {
		case err != nil:
			r.fail(k.Name, "%s does not verify with the trusted key for subject sha256:%s: %v", k.File, r.SubjectSHA256, err)
		case st.PredicateType != k.PredicateType:
			r.fail(k.Name, "%s holds a %s statement, want %s", k.File, st.PredicateType, k.PredicateType)
		default:
			statements[k.Name] = st
			r.Verified = append(r.Verified, k.Name)
		}
	}
	for _, want := range pol.Require {
		_, ok := statements[want]
		if want == "sbom" {
			ok = statements["cyclonedx"] != nil || statements["spdx"] != nil
		}
		if !ok {
			r.fail("require", "no verified %s attestation in %s", want, src)
		}
	}
	r.provenance(statements["provenance"], pol)
	r.cis(statements["cis"], pol)
	r.sbom(statements["cyclonedx"], statements["spdx"])
	r.OK = len(r.Problems) == 0
	return r, nil
}

// subject establishes the subject digest: the tarball's, or the published
// descriptor's once it matches the live one.
func (r *Report) subject(ctx context.Context, src Source, subj Subject) error {
	if subj.Tarball != "" {
		f, err := os.Open(subj.Tarball)
		if err != nil {
			return fmt.Errorf("open tarball: %w", err)
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return fmt.Errorf("hash tarball: %w", err)
		}
		r.Subject, r.SubjectSHA256 = filepath.Base(subj.Tarball), hex.EncodeToString(h.Sum(nil))
		return nil
	}
	if subj.Live == nil {
		return fmt.Errorf("no subject: give the image's live facts or a tarball")
	}
	b, err := src.Read(ctx, layout.DescriptorFile)
	if err != nil {
		return fmt.Errorf("read descriptor from %s: %w", src, err)
	}
	r.SubjectSHA256 = descriptor.SHA256(b)
	d, err := descriptor.Parse(b)
	if err != nil {
		r.fail("descriptor", "%s: %v", layout.DescriptorFile, err)
		return nil
	}
	r.Descriptor, r.Subject = d, d.Name()
	for _, diff := range Compare(d, subj.Live) {
		r.fail("descriptor", "%s", diff)
	}
	return nil
}

// Compare lists how the published descriptor d differs from the live one.
func Compare(d, live *descriptor.Descriptor) []string {
	var diffs []string
	field := func(name, recorded, now string) {
		if recorded != now {
			diffs = append(diffs, fmt.Sprintf("the descriptor records %s %q, the cloud reports %q for this image", name, recorded, now))
		}
	}
	switch {
	case d.Provider != live.Provider:
		field("provider", d.Provider, live.Provider)
	case live.AWS != nil && d.AWS != nil:
		a, b := d.AWS, live.AWS
		field("image_id", a.ImageID, b.ImageID)
		field("region", a.Region, b.Region)
		field("account", a.Account, b.Account)
		field("arn", a.ARN, b.ARN)
		field("creation_date", a.CreationDate, b.CreationDate)
		field("snapshot_ids", strings.Join(a.SnapshotIDs, ","), strings.Join(b.SnapshotIDs, ","))
	case live.GCE != nil && d.GCE != nil:
		a, b := d.GCE, live.GCE
		field("id", a.ID, b.ID)
		field("name", a.Name, b.Name)
		field("project", a.Project, b.Project)
		field("creation_timestamp", a.CreationTimestamp, b.CreationTimestamp)
	}
	return diffs
}

func (r *Report) provenance(st *attest.Statement, pol Policy) {
	if st == nil {
		return
	}
	var p attest.Provenance
	if err := json.Unmarshal(st.Predicate, &p); err != nil {
		r.fail("provenance", "decode the SLSA predicate: %v", err)
		return
	}
	r.Provenance = &p
	if p.BuildDefinition.BuildType != attest.BuildType {
		r.fail("provenance", "buildType %q, want %q", p.BuildDefinition.BuildType, attest.BuildType)
	}
	if len(pol.AllowedBuilders) > 0 && !slices.Contains(pol.AllowedBuilders, p.RunDetails.Builder.ID) {
		r.fail("builder", "built by %q, which is not an allowed builder (%s)", p.RunDetails.Builder.ID, strings.Join(pol.AllowedBuilders, ", "))
	}
	if pol.MaxAge > 0 {
		now := time.Now
		if pol.Now != nil {
			now = pol.Now
		}
		if age := now().Sub(p.RunDetails.Metadata.FinishedOn); age > pol.MaxAge {
			r.fail("age", "built %s ago (%s), the policy allows %s", age.Round(time.Hour), p.RunDetails.Metadata.FinishedOn.Format(time.RFC3339), pol.MaxAge)
		}
	}
}

func (r *Report) cis(st *attest.Statement, pol Policy) {
	if st == nil {
		return
	}
	var res evidence.CISResults
	if err := json.Unmarshal(st.Predicate, &res); err != nil {
		r.fail("cis", "decode the CIS predicate: %v", err)
		return
	}
	r.CIS = &res
	if level := profileLevel(res.Profile); level < pol.MinLevel {
		r.fail("cis", "profile %s is Level %d, the policy requires Level %d or higher", res.Profile, level, pol.MinLevel)
	}
	var failed []string
	for _, c := range res.Controls {
		if c.Level == 1 && (c.Status == cis.Fail || c.Status == cis.Error) {
			failed = append(failed, fmt.Sprintf("%s (%s, %s)", c.Rule, c.CIS, c.Status))
		}
	}
	if len(failed) > pol.MaxFailed {
		r.fail("cis", "%d unwaived Level 1 controls fail, the policy allows %d: %s", len(failed), pol.MaxFailed, strings.Join(failed, ", "))
	}
}

// profileLevel reads the level from a profile name such as cis_level2_server.
func profileLevel(profile string) int {
	switch {
	case strings.Contains(profile, "level2"):
		return 2
	case strings.Contains(profile, "level1"):
		return 1
	}
	return 0
}

func (r *Report) sbom(cdx, spdx *attest.Statement) {
	if cdx == nil && spdx == nil {
		return
	}
	s := &SBOMStats{ByType: map[string]int{}}
	if cdx != nil {
		var doc struct {
			Components []struct {
				PURL string `json:"purl"`
			} `json:"components"`
		}
		if err := json.Unmarshal(cdx.Predicate, &doc); err != nil {
			r.fail("cyclonedx", "decode the CycloneDX predicate: %v", err)
		}
		s.CycloneDXComponents = len(doc.Components)
		for _, c := range doc.Components {
			if t, _, ok := strings.Cut(strings.TrimPrefix(c.PURL, "pkg:"), "/"); ok {
				s.ByType[t]++
			}
		}
	}
	if spdx != nil {
		var doc struct {
			Packages []json.RawMessage `json:"packages"`
		}
		if err := json.Unmarshal(spdx.Predicate, &doc); err != nil {
			r.fail("spdx", "decode the SPDX predicate: %v", err)
		}
		s.SPDXPackages = len(doc.Packages)
	}
	r.SBOM = s
}
