package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify/verifytest"
)

// resign replaces the kind bundle of dir with predicate signed by key.
func resign(t *testing.T, dir string, key *ecdsa.PrivateKey, kind string, predicate any) {
	t.Helper()
	k, _ := layout.KindByName(kind)
	if err := os.WriteFile(filepath.Join(dir, k.File), verifytest.Bundle(t, key, live(), kind, predicate), 0o644); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, dir string, kinds ...string) {
	t.Helper()
	for _, kind := range kinds {
		k, _ := layout.KindByName(kind)
		if err := os.Remove(filepath.Join(dir, k.File)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPolicyImpliesStatement (issue 14, item 2): a check cannot be
// switched off by deleting the file it reads, and nothing verifies when no
// statement does.
func TestPolicyImpliesStatement(t *testing.T) {
	key := newKey(t)
	clock := WithClock(func() time.Time { return built.Add(time.Hour) })
	tests := []struct {
		name   string
		delete []string
		opts   []PolicyOption
		want   string
	}{
		{"max age without provenance", []string{"provenance"}, []PolicyOption{WithRequire("sbom"), WithMaxAge(time.Hour), clock}, "no verified provenance attestation"},
		{"allowed builder without provenance", []string{"provenance"}, []PolicyOption{WithRequire("sbom"), WithAllowedBuilders(verifytest.Builder)}, "no verified provenance attestation"},
		{"min level without CIS", []string{"cis"}, []PolicyOption{WithRequire("provenance"), WithMinLevel(2)}, "no verified cis attestation"},
		{"max failed without CIS", []string{"cis"}, []PolicyOption{WithRequire("provenance"), WithMaxFailed(0)}, "no verified cis attestation"},
		{"no statement at all", []string{"provenance", "cyclonedx", "spdx", "cis"}, []PolicyOption{WithRequire("sbom")}, "no statement in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := publish(t, key, live(), passing)
			remove(t, dir, tt.delete...)
			wantProblem(t, check(t, dir, key, policy(t, tt.opts...)), tt.want)
		})
	}
}

// TestNewPolicy (issue 14, items 2 and 6): options are validated
// together; an empty or unknown requirement, a level other than 1 or 2, a
// negative count or age, an empty builder list are refused.
func TestNewPolicy(t *testing.T) {
	tests := []struct {
		name string
		opts []PolicyOption
		want string
	}{
		{"nothing required", nil, "no statement is required"},
		{"empty require", []PolicyOption{WithRequire()}, "require: the list is empty"},
		{"unknown statement", []PolicyOption{WithRequire("provenance", "slsa")}, `require: "slsa" is not a statement`},
		{"empty name", []PolicyOption{WithRequire("")}, `require: "" is not a statement`},
		{"level 3", []PolicyOption{WithMinLevel(3)}, "min level 3: accepted are 1 and 2"},
		{"level 0", []PolicyOption{WithMinLevel(0)}, "min level 0"},
		{"negative max failed", []PolicyOption{WithMaxFailed(-1)}, "max failed -1"},
		{"negative max age", []PolicyOption{WithMaxAge(-time.Hour)}, "max age -1h0m0s: use a positive duration"},
		{"empty builder list", []PolicyOption{WithAllowedBuilders()}, "allowed builders: the list is empty"},
		{"empty builder", []PolicyOption{WithAllowedBuilders("")}, "an empty builder id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPolicy(tt.opts...)
			if err == nil || !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewPolicy = %v, %v; want %q", p, err, tt.want)
			}
		})
	}
	p, err := NewPolicy(WithMaxAge(time.Hour), WithMinLevel(2))
	if err != nil || strings.Join(p.Required(), ",") != "cis,provenance" {
		t.Errorf("implied statements: %v %v", p, err)
	}
}

// TestSignedContentPolicy (issue 14, item 6): signed statements that the
// policy must still refuse.
func TestSignedContentPolicy(t *testing.T) {
	key := newKey(t)
	now := built.Add(time.Hour)
	clock := WithClock(func() time.Time { return now })
	cisWith := func(profile string, controls ...cis.Result) evidence.CISResults {
		return evidence.CISResults{Profile: profile, Controls: controls}
	}
	l1 := cis.Result{Rule: "sshd_permit_root_login", CIS: "5.1.20", Level: 1, Status: cis.Pass}
	tests := []struct {
		name string
		kind string
		pred any
		opts []PolicyOption
		want string
	}{
		{"finished in the future", "provenance", verifytest.Provenance(now.Add(24 * time.Hour)), []PolicyOption{WithMaxAge(time.Hour)}, "finished in the future"},
		{"finished in the future, no max age", "provenance", verifytest.Provenance(now.Add(24 * time.Hour)), nil, "finished in the future"},
		{"no finishedOn under max age", "provenance", verifytest.Provenance(time.Time{}), []PolicyOption{WithMaxAge(time.Hour)}, "has no finishedOn"},
		{"level 2 failure under min level 2", "cis", cisWith("cis_level2_server", l1,
			cis.Result{Rule: "fs_var_tmp_partition", CIS: "1.1.2.4.1", Level: 2, Status: cis.Fail}), []PolicyOption{WithMinLevel(2)},
			"1 unwaived Level 1 and 2 controls fail, the policy allows 0: fs_var_tmp_partition (1.1.2.4.1, fail)"},
		{"unknown status", "cis", cisWith("cis_level1_server", l1, cis.Result{Rule: "x", CIS: "1.1", Level: 1, Status: "passed-ish"}), nil,
			`control "x" has status "passed-ish"`},
		{"level 3", "cis", cisWith("cis_level1_server", l1, cis.Result{Rule: "x", CIS: "1.1", Level: 3, Status: cis.Fail}), nil,
			`control "x" has level 3`},
		{"level 0", "cis", cisWith("cis_level1_server", l1, cis.Result{Rule: "x", CIS: "1.1", Level: 0, Status: cis.Fail}), nil,
			`control "x" has level 0`},
		{"waived without a reason", "cis", cisWith("cis_level1_server", l1, cis.Result{Rule: "x", CIS: "1.1", Level: 1, Status: cis.Waived}), nil,
			"x (1.1, waived without a reason)"},
		{"waived with an empty reason", "cis", cisWith("cis_level1_server", l1, cis.Result{Rule: "x", CIS: "1.1", Level: 1, Status: cis.Waived, Waiver: &cis.Waiver{Rule: "x", Reason: " "}}), nil,
			"x (1.1, waived without a reason)"},
		{"level from a profile substring", "cis", cisWith("cis_level1_server_not_level2", l1), []PolicyOption{WithMinLevel(2)},
			`"cis_level1_server_not_level2" is not a profile`},
		{"no control", "cis", cisWith("cis_level1_server"), nil, "the CIS results hold no control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := publish(t, key, live(), passing)
			resign(t, dir, key, tt.kind, tt.pred)
			wantProblem(t, check(t, dir, key, policy(t, append([]PolicyOption{WithRequire("provenance", "sbom", "cis"), clock}, tt.opts...)...)), tt.want)
		})
	}

	// A waiver with its reason is not a failure.
	dir := publish(t, key, live(), passing)
	resign(t, dir, key, "cis", cisWith("cis_level1_server", l1, cis.Result{Rule: "x", CIS: "1.1", Level: 1, Status: cis.Waived, Waiver: &cis.Waiver{Rule: "x", Reason: "managed by the security groups"}}))
	if r := check(t, dir, key, policy(t, WithRequire("cis"), clock)); !r.OK {
		t.Errorf("a waived control with a reason: %+v", r.Problems)
	}
}

// TestOneSubject (issue 14, item 6): a statement about this image and
// another is not about exactly this image.
func TestOneSubject(t *testing.T) {
	key := newKey(t)
	dir := publish(t, key, live(), passing)
	desc, _ := live().Canonical()
	st, err := attest.NewStatement(attest.PredicateCIS, []byte(`{"profile":"cis_level1_server","controls":[{"rule":"r","level":1,"status":"pass"}]}`),
		attest.Subject{Name: "other", Digest: map[string]string{"sha256": attest.SHA256([]byte("other"))}},
		attest.Subject{Name: live().Name(), Digest: map[string]string{"sha256": descriptor.SHA256(desc)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := attest.Sign(key, st)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "cis.sigstore.json"), b, 0o644)
	wantProblem(t, check(t, dir, key, defaultPolicy(t)), "statement has 2 subjects, want exactly one")
}

// TestDirReadsRegularFilesOnly (issue 14, item 8): a symlink is not
// followed, in or out of the directory (FIFOs and bundles symlinked out:
// verifycli's TestLocationRegularFilesOnly).
func TestDirReadsRegularFilesOnly(t *testing.T) {
	key := newKey(t)
	outside := publish(t, key, live(), passing)
	tests := []struct {
		name  string
		plant func(t *testing.T, dir string)
		want  string
	}{
		{"symlink in the directory", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "cis.sigstore.json")
			os.Rename(p, filepath.Join(dir, "elsewhere.json"))
			os.Symlink("elsewhere.json", p)
		}, "cis.sigstore.json: not a regular file"},
		{"descriptor symlinked out", func(t *testing.T, dir string) {
			p := filepath.Join(dir, layout.DescriptorFile)
			os.Remove(p)
			os.Symlink(filepath.Join(outside, layout.DescriptorFile), p)
		}, "descriptor.json: not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := publish(t, key, live(), passing)
			tt.plant(t, dir)
			d, err := OpenDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			done := make(chan error, 1)
			go func() {
				_, err := Verify(t.Context(), d, &key.PublicKey, Subject{Live: live()}, defaultPolicy(t))
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("Verify = %v, want %q", err, tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("verify hangs")
			}
		})
	}
}

// TestFailedReportHoldsNoUnverifiedDescriptor (issue 14, item 9): when
// verification fails, the descriptor's fields are not reported as facts.
func TestFailedReportHoldsNoUnverifiedDescriptor(t *testing.T) {
	key := newKey(t)
	other := live()
	other.AWS.Name = "UNVERIFIED-NAME"
	for name, dir := range map[string]string{
		// Signed by another key: nothing verifies.
		"unsigned": publish(t, newKey(t), other, passing),
		// Signed, but the cloud reports another image.
		"not this image": func() string {
			d := live()
			d.AWS.SnapshotIDs, d.AWS.Name = []string{"snap-other"}, "UNVERIFIED-NAME"
			return publish(t, key, d, passing)
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			r := check(t, dir, key, defaultPolicy(t))
			if r.OK || r.Descriptor != nil || r.ImageID != "" {
				t.Errorf("failed report holds unverified data: ok=%v descriptor=%+v image_id=%q", r.OK, r.Descriptor, r.ImageID)
			}
			if r.Subject != "aws:eu-west-1:ami-0abc" {
				t.Errorf("subject %q, want the cloud's name of the image", r.Subject)
			}
		})
	}
	r := check(t, publish(t, key, live(), passing), key, defaultPolicy(t))
	if !r.OK || r.Descriptor == nil || r.ImageID != "ami-0abc" {
		t.Errorf("verified report: ok=%v descriptor=%v image_id=%q", r.OK, r.Descriptor, r.ImageID)
	}
}

// memSource is an image directory in memory.
type memSource map[string][]byte

func (m memSource) String() string { return "memory" }
func (m memSource) Read(_ context.Context, name string, limit int64) ([]byte, error) {
	b, ok := m[name]
	switch {
	case !ok:
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	case int64(len(b)) > limit:
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b, nil
}

// TestBundleBudget (issue 14, item 1): one image's bundles are read up to
// MaxBundles bytes together, so four files at the file cap cost no more
// than one.
func TestBundleBudget(t *testing.T) {
	key := newKey(t)
	src := memSource{}
	for name, b := range verifytest.Files(t, key, live(), built, passing) {
		src[name] = b
	}
	src["sbom.cdx.sigstore.json"] = bytes.Repeat([]byte("x"), MaxBundles-len(src["provenance.sigstore.json"])-100)
	_, err := Verify(t.Context(), src, &key.PublicKey, Subject{Live: live()}, defaultPolicy(t))
	if err == nil || !strings.Contains(err.Error(), "sbom.spdx.sigstore.json is larger than") || !strings.Contains(err.Error(), "64 MiB together") {
		t.Errorf("Verify = %v, want the SPDX bundle refused for the budget", err)
	}
}

// TestRequireBootProof (issue 13): --require-boot-proof accepts only signed
// results that show a reboot and no control that stopped passing after it,
// judged per control, not by the summary's flag.
func TestRequireBootProof(t *testing.T) {
	key := newKey(t)
	now := built.Add(time.Hour)
	clock := WithClock(func() time.Time { return now })
	after := func(s cis.Status) *cis.AfterBoot { return &cis.AfterBoot{Status: s, Evidence: "running: ..."} }
	fixed := cis.Result{Rule: "sysctl_ip_forward_disabled", CIS: "3.3.1", Level: 1, Status: cis.Fixed, RebootRequired: true, AfterBoot: after(cis.Pass)}
	l2 := cis.Result{Rule: "audit_rules_immutable", CIS: "6.2.3.20", Level: 2, Status: cis.Fixed, AfterBoot: after(cis.Fail)}
	proof := func(from, to string) *evidence.BootProof {
		return &evidence.BootProof{RebootedFrom: from, BootID: to, Passed: true}
	}
	results := func(p *evidence.BootProof, controls ...cis.Result) evidence.CISResults {
		return evidence.CISResults{Profile: "cis_level2_server", Controls: controls, BootProof: p}
	}
	a, b := "5b1d9a52-3b0e-4c57-9bb5-1a0a8e5a6c01", "0f6f0e4e-8d1e-4bd4-8a6b-7b5d3c2e1f00"
	tests := []struct {
		name string
		pred evidence.CISResults
		opts []PolicyOption
		want string // "" passes
	}{
		{"proven", results(proof(a, b), fixed, l2), nil, ""},
		{"no proof", results(nil, fixed), nil, "the CIS results have no boot proof"},
		{"same boot", results(proof(a, a), fixed), nil, "the boot proof shows no reboot"},
		{"no boot ID", results(proof(a, ""), fixed), nil, "the boot proof shows no reboot"},
		{"regressed, summary says passed", results(proof(a, b), cis.Result{Rule: "sysctl_ip_forward_disabled", CIS: "3.3.1", Level: 1, Status: cis.Fixed, AfterBoot: after(cis.Fail)}), nil,
			"1 Level 1 controls that passed or were fixed do not pass after the boot: sysctl_ip_forward_disabled (3.3.1, fail after the boot)"},
		{"no after-boot result", results(proof(a, b), cis.Result{Rule: "x", CIS: "1.1", Level: 1, Status: cis.Pass}), nil, "x (1.1, no after-boot result)"},
		{"level 2 regression under min level 2", results(proof(a, b), fixed, l2), []PolicyOption{WithMinLevel(2)}, "audit_rules_immutable (6.2.3.20, fail after the boot)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := publish(t, key, live(), passing)
			resign(t, dir, key, "cis", tt.pred)
			r := check(t, dir, key, policy(t, append([]PolicyOption{WithRequire("cis"), WithRequireBootProof(), clock}, tt.opts...)...))
			if tt.want == "" {
				if !r.OK {
					t.Errorf("refused: %+v", r.Problems)
				}
				return
			}
			wantProblem(t, r, tt.want)
		})
	}
	// Without the option, results without a proof still verify.
	dir := publish(t, key, live(), passing)
	resign(t, dir, key, "cis", results(nil, fixed))
	if r := check(t, dir, key, policy(t, WithRequire("cis"), clock)); !r.OK {
		t.Errorf("no boot proof, not required: %+v", r.Problems)
	}
}
