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
	// Read returns the file name, or an error when it is larger than
	// limit bytes.
	Read(ctx context.Context, name string, limit int64) ([]byte, error)
	String() string
}

// Subject says what the attestations must be about.
type Subject struct {
	// Live is the descriptor built from what the cloud reports for the
	// image now; the published descriptor must match it.
	Live *descriptor.Descriptor
	// Tarball is a local rootfs tarball, its own subject.
	Tarball string
}

// Problem is one reason verification failed.
type Problem struct {
	Check  string `json:"check"`
	Reason string `json:"reason"`
}

// Report is the outcome. Subject comes from the caller (the cloud's answer
// or the tarball's name); ImageID, Descriptor, Provenance, CIS and SBOM only
// from verified data: the descriptor is left out unless it matches the
// cloud and a verified statement is about it, and ImageID is set only when
// everything verified.
type Report struct {
	Source        string                 `json:"source"`
	Subject       string                 `json:"subject"`
	SubjectSHA256 string                 `json:"subject_sha256"`
	ImageID       string                 `json:"image_id,omitempty"`
	Descriptor    *descriptor.Descriptor `json:"descriptor,omitempty"`
	Verified      []string               `json:"verified"`
	Provenance    *attest.Provenance     `json:"provenance,omitempty"`
	CIS           *evidence.CISResults   `json:"cis,omitempty"`
	SBOM          *SBOMStats             `json:"sbom,omitempty"`
	Problems      []Problem              `json:"problems"`
	OK            bool                   `json:"ok"`
	// SBOMDocuments are the verified SBOM predicates (CycloneDX, SPDX),
	// the documents scanners read, by statement name. Set only when
	// everything verified; never part of the JSON report.
	SBOMDocuments map[string]json.RawMessage `json:"-"`
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
func Verify(ctx context.Context, src Source, pub crypto.PublicKey, subj Subject, pol *Policy) (*Report, error) {
	if pol == nil {
		return nil, fmt.Errorf("%w: no policy", ErrPolicy)
	}
	r := &Report{Source: src.String(), Problems: []Problem{}, Verified: []string{}}
	desc, err := r.subject(ctx, src, subj)
	if err != nil {
		return nil, err
	}
	statements := map[string]*attest.Statement{}
	// Decoding is what costs: the bundles of one image share one budget.
	budget := int64(MaxBundles)
	for _, k := range layout.Kinds {
		b, err := src.Read(ctx, k.File, budget)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w (an image's bundles may have %d MiB together)", err, MaxBundles>>20)
		}
		budget -= int64(len(b))
		st, err := attest.Verify(b, pub, r.SubjectSHA256)
		switch {
		case err != nil:
			r.fail(k.Name, "%s does not verify with the trusted key for subject sha256:%s: %v", k.File, r.SubjectSHA256, err)
		case st.PredicateType != k.PredicateType:
			r.fail(k.Name, "%s holds a %q statement, want %s", k.File, st.PredicateType, k.PredicateType)
		default:
			statements[k.Name] = st
			r.Verified = append(r.Verified, k.Name)
		}
	}
	if len(statements) == 0 {
		r.fail("require", "no statement in %s verifies", src)
	}
	for _, want := range pol.require {
		_, ok := statements[want]
		if want == SBOM {
			ok = statements[CycloneDX] != nil || statements[SPDX] != nil
		}
		if !ok {
			r.fail("require", "no verified %s attestation in %s", want, src)
		}
	}
	// A descriptor that matches the cloud and that a verified statement is
	// about is signed data; any other is not reported.
	if desc != nil && len(statements) > 0 && !r.failed("descriptor") {
		r.Descriptor = desc
	}
	r.provenance(statements[Provenance], pol)
	r.cis(statements[CIS], pol)
	r.sbom(statements[CycloneDX], statements[SPDX])
	r.OK = len(r.Problems) == 0
	if r.OK {
		r.ImageID = imageID(subj)
		r.SBOMDocuments = sbomDocuments(statements)
	}
	return r, nil
}

func (r *Report) failed(check string) bool {
	return slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Check == check })
}

// imageID is the verified image's ID: the cloud's, or the tarball's name.
func imageID(subj Subject) string {
	switch {
	case subj.Tarball != "":
		return filepath.Base(subj.Tarball)
	case subj.Live.AWS != nil:
		return subj.Live.AWS.ImageID
	case subj.Live.GCE != nil:
		return subj.Live.GCE.Name
	}
	return ""
}

// subject establishes the subject digest: the tarball's, or the published
// descriptor's. It returns the parsed descriptor when it matches the live
// one; it is not verified until a statement about it is.
func (r *Report) subject(ctx context.Context, src Source, subj Subject) (*descriptor.Descriptor, error) {
	if subj.Tarball != "" {
		f, err := os.Open(subj.Tarball)
		if err != nil {
			return nil, fmt.Errorf("open tarball: %w", err)
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("hash tarball: %w", err)
		}
		r.Subject, r.SubjectSHA256 = filepath.Base(subj.Tarball), hex.EncodeToString(h.Sum(nil))
		return nil, nil
	}
	if subj.Live == nil {
		return nil, fmt.Errorf("no subject: give the image's live facts or a tarball")
	}
	r.Subject = subj.Live.Name()
	b, err := src.Read(ctx, layout.DescriptorFile, MaxFile)
	if err != nil {
		return nil, fmt.Errorf("read descriptor from %s: %w", src, err)
	}
	r.SubjectSHA256 = descriptor.SHA256(b)
	d, err := descriptor.Parse(b)
	if err != nil {
		r.fail("descriptor", "%s: %v", layout.DescriptorFile, err)
		return nil, nil
	}
	diffs := Compare(d, subj.Live)
	for _, diff := range diffs {
		r.fail("descriptor", "%s", diff)
	}
	if len(diffs) > 0 {
		return nil, nil
	}
	return d, nil
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

// clockSkew is how far in the future a build may seem to have finished.
const clockSkew = 5 * time.Minute

func (r *Report) provenance(st *attest.Statement, pol *Policy) {
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
	if len(pol.builders) > 0 && !slices.Contains(pol.builders, p.RunDetails.Builder.ID) {
		r.fail("builder", "built by %q, which is not an allowed builder (%s)", p.RunDetails.Builder.ID, strings.Join(pol.builders, ", "))
	}
	now, finished := pol.now(), p.RunDetails.Metadata.FinishedOn
	switch {
	case finished.IsZero():
		if pol.maxAge > 0 {
			r.fail("age", "the provenance has no finishedOn, the policy allows builds up to %s old", pol.maxAge)
		}
	case finished.After(now.Add(clockSkew)):
		r.fail("age", "the provenance says the build finished in the future (%s)", finished.UTC().Format(time.RFC3339))
	case pol.maxAge > 0 && now.Sub(finished) > pol.maxAge:
		r.fail("age", "built %s ago (%s), the policy allows %s", now.Sub(finished).Round(time.Hour), finished.UTC().Format(time.RFC3339), pol.maxAge)
	}
}

func (r *Report) cis(st *attest.Statement, pol *Policy) {
	if st == nil {
		return
	}
	var res evidence.CISResults
	if err := json.Unmarshal(st.Predicate, &res); err != nil {
		r.fail("cis", "decode the CIS predicate: %v", err)
		return
	}
	r.CIS = &res
	// The level is the signed profile's, looked up by its exact name.
	profile, err := cis.ParseProfile(res.Profile)
	if err != nil {
		r.fail("cis", "%v", err)
	} else if profile.Level < pol.minLevel {
		r.fail("cis", "profile %s is Level %d, the policy requires Level %d or higher", res.Profile, profile.Level, pol.minLevel)
	}
	if len(res.Controls) == 0 {
		r.fail("cis", "the CIS results hold no control")
	}
	var failed []string
	for _, c := range res.Controls {
		switch {
		case !slices.Contains(cis.Statuses, c.Status):
			r.fail("cis", "control %q has status %q; accepted: %s", c.Rule, c.Status, statusNames())
			continue
		case c.Level != 1 && c.Level != 2:
			r.fail("cis", "control %q has level %d; accepted: 1 and 2", c.Rule, c.Level)
			continue
		case c.Level > pol.minLevel:
			continue
		}
		switch {
		case c.Status == cis.Fail || c.Status == cis.Error:
			failed = append(failed, fmt.Sprintf("%s (%s, %s)", c.Rule, c.CIS, c.Status))
		case c.Status == cis.Waived && (c.Waiver == nil || strings.TrimSpace(c.Waiver.Reason) == ""):
			failed = append(failed, fmt.Sprintf("%s (%s, waived without a reason)", c.Rule, c.CIS))
		}
	}
	if len(failed) > pol.maxFailed {
		r.fail("cis", "%d unwaived Level %s controls fail, the policy allows %d: %s", len(failed), levels(pol.minLevel), pol.maxFailed, strings.Join(failed, ", "))
	}
	if pol.bootProof {
		r.bootProof(&res, pol)
	}
}

// bootProof checks that the signed results prove the hardening at boot:
// a reboot to another boot, and an after-boot result that passes for every
// control of the policy's levels that passed or was fixed. It judges the
// per-control results, not the summary's flag.
func (r *Report) bootProof(res *evidence.CISResults, pol *Policy) {
	p := res.BootProof
	if p == nil {
		r.fail("cis", "the CIS results have no boot proof: the image was not rebooted and audited on the running system after hardening (reboot_and_audit)")
		return
	}
	if p.BootID == "" || p.RebootedFrom == "" || p.BootID == p.RebootedFrom {
		r.fail("cis", "the boot proof shows no reboot: audited in boot %q, rebooted from %q", p.BootID, p.RebootedFrom)
	}
	var bad []string
	for _, c := range res.Controls {
		if c.Level > pol.minLevel || (c.Status != cis.Pass && c.Status != cis.Fixed) {
			continue
		}
		switch {
		case c.AfterBoot == nil:
			bad = append(bad, fmt.Sprintf("%s (%s, no after-boot result)", c.Rule, c.CIS))
		case c.AfterBoot.Status != cis.Pass:
			bad = append(bad, fmt.Sprintf("%s (%s, %s after the boot)", c.Rule, c.CIS, c.AfterBoot.Status))
		}
	}
	if len(bad) > 0 {
		r.fail("cis", "%d Level %s controls that passed or were fixed do not pass after the boot: %s", len(bad), levels(pol.minLevel), strings.Join(bad, ", "))
	}
}

func levels(minLevel int) string {
	if minLevel == 2 {
		return "1 and 2"
	}
	return "1"
}

func statusNames() string {
	var names []string
	for _, s := range cis.Statuses {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

// sbomDocuments are the predicates of the verified SBOM statements.
func sbomDocuments(statements map[string]*attest.Statement) map[string]json.RawMessage {
	docs := map[string]json.RawMessage{}
	for _, name := range []string{CycloneDX, SPDX} {
		if st := statements[name]; st != nil {
			docs[name] = st.Predicate
		}
	}
	return docs
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
