package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify/verifytest"
)

var built = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)

func live() *descriptor.Descriptor {
	return &descriptor.Descriptor{Schema: descriptor.SchemaURI, Provider: "aws", AWS: &descriptor.AWSImage{
		Region: "eu-west-1", Account: "111122223333", ImageID: "ami-0abc", ARN: "arn:aws:ec2:eu-west-1::image/ami-0abc",
		CreationDate: "2026-11-23T06:00:00.000Z", Architecture: "x86_64", SnapshotIDs: []string{"snap-1"}}}
}

// publish writes an image directory the way hardening-attest does, signed
// with key, and returns it.
func publish(t *testing.T, key *ecdsa.PrivateKey, d *descriptor.Descriptor, controls []cis.Result) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range verifytest.Files(t, key, d, built, controls) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var passing = []cis.Result{{Rule: "sshd_permit_root_login", CIS: "5.1.20", Level: 1, Status: cis.Pass}}

func policy(t *testing.T, opts ...PolicyOption) *Policy {
	t.Helper()
	p, err := NewPolicy(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func defaultOptions() []PolicyOption {
	return []PolicyOption{WithRequire("provenance", "sbom", "cis"), WithMinLevel(1), WithMaxAge(90 * 24 * time.Hour),
		WithAllowedBuilders(verifytest.Builder), WithClock(func() time.Time { return built.Add(time.Hour) })}
}

func defaultPolicy(t *testing.T, more ...PolicyOption) *Policy {
	t.Helper()
	return policy(t, append(defaultOptions(), more...)...)
}

// check verifies dir against live() with pol.
func check(t *testing.T, dir string, key *ecdsa.PrivateKey, pol *Policy) *Report {
	t.Helper()
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	r, err := Verify(context.Background(), d, &key.PublicKey, Subject{Live: live()}, pol)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantProblem fails unless r failed with a problem saying want.
func wantProblem(t *testing.T, r *Report, want string) {
	t.Helper()
	if r.OK {
		t.Fatalf("verified; want a problem saying %q", want)
	}
	for _, p := range r.Problems {
		if strings.Contains(p.Reason, want) {
			return
		}
	}
	t.Errorf("no problem says %q: %+v", want, r.Problems)
}

func TestVerify(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name   string
		setup  func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy)
		wantOK bool
		want   string
	}{
		{"good", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			return publish(t, key, live(), passing), &key.PublicKey, live(), defaultPolicy(t)
		}, true, ""},
		{"wrong key", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			return publish(t, key, live(), passing), &newKey(t).PublicKey, live(), defaultPolicy(t)
		}, false, "provenance.sigstore.json does not verify with the trusted key"},
		{"tampered descriptor", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			dir := publish(t, key, live(), passing)
			b, _ := os.ReadFile(filepath.Join(dir, layout.DescriptorFile))
			os.WriteFile(filepath.Join(dir, layout.DescriptorFile), []byte(strings.Replace(string(b), "x86_64", "arm64", 1)), 0o644)
			return dir, &key.PublicKey, live(), defaultPolicy(t)
		}, false, "does not verify with the trusted key for subject"},
		{"tampered bundle", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			dir := publish(t, key, live(), passing)
			p := filepath.Join(dir, "cis.sigstore.json")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(b), `"sig":"`, `"sig":"AA`, 1)), 0o644)
			return dir, &key.PublicKey, live(), defaultPolicy(t)
		}, false, "cis.sigstore.json does not verify"},
		{"missing SBOM when required", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			dir := publish(t, key, live(), passing)
			os.Remove(filepath.Join(dir, "sbom.cdx.sigstore.json"))
			os.Remove(filepath.Join(dir, "sbom.spdx.sigstore.json"))
			return dir, &key.PublicKey, live(), defaultPolicy(t)
		}, false, "no verified sbom attestation"},
		{"CIS below policy", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			failing := append([]cis.Result{{Rule: "fs_tmp_noexec", CIS: "1.1.2.1.4", Level: 1, Status: cis.Fail}}, passing...)
			return publish(t, key, live(), failing), &key.PublicKey, live(), defaultPolicy(t)
		}, false, "1 unwaived Level 1 controls fail, the policy allows 0: fs_tmp_noexec (1.1.2.1.4, fail)"},
		{"level 2 required", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			pol := defaultPolicy(t, WithMinLevel(2))
			return publish(t, key, live(), passing), &key.PublicKey, live(), pol
		}, false, "profile cis_level1_server is Level 1, the policy requires Level 2"},
		{"descriptor of another image", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			other := live()
			other.AWS.ImageID, other.AWS.ARN = "ami-0other", "arn:aws:ec2:eu-west-1::image/ami-0other"
			return publish(t, key, other, passing), &key.PublicKey, live(), defaultPolicy(t)
		}, false, `the descriptor records image_id "ami-0other", the cloud reports "ami-0abc"`},
		{"snapshots differ from the cloud's", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			now := live()
			now.AWS.SnapshotIDs = []string{"snap-replaced"}
			return publish(t, key, live(), passing), &key.PublicKey, now, defaultPolicy(t)
		}, false, `snapshot_ids "snap-1", the cloud reports "snap-replaced"`},
		{"expired", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			pol := defaultPolicy(t, WithClock(func() time.Time { return built.Add(100 * 24 * time.Hour) }))
			return publish(t, key, live(), passing), &key.PublicKey, live(), pol
		}, false, "the policy allows 2160h0m0s"},
		{"builder not allowed", func(t *testing.T) (string, *ecdsa.PublicKey, *descriptor.Descriptor, *Policy) {
			pol := defaultPolicy(t, WithAllowedBuilders("https://ci.example.com/runners/images"))
			return publish(t, key, live(), passing), &key.PublicKey, live(), pol
		}, false, "is not an allowed builder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, pub, now, pol := tt.setup(t)
			d, err := OpenDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			r, err := Verify(context.Background(), d, pub, Subject{Live: now}, pol)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK != tt.wantOK {
				t.Fatalf("ok=%v, problems %+v", r.OK, r.Problems)
			}
			if tt.want == "" {
				if len(r.Verified) != 4 || r.CIS == nil || r.SBOM.CycloneDXComponents != 2 || r.SBOM.ByType["deb"] != 2 || r.Provenance == nil {
					t.Errorf("report %+v", r)
				}
				return
			}
			found := false
			for _, p := range r.Problems {
				found = found || strings.Contains(p.Reason, tt.want)
			}
			if !found {
				t.Errorf("no problem says %q: %+v", tt.want, r.Problems)
			}
		})
	}
}

// TestReportHoldsOnlyVerifiedData: an unsigned change to a copy of the
// CIS results never reaches the report, which comes from the statement.
func TestReportHoldsOnlyVerifiedData(t *testing.T) {
	key := newKey(t)
	dir := publish(t, key, live(), passing)
	os.WriteFile(filepath.Join(dir, evidence.CISResultsFile), []byte(`{"profile":"cis_level2_server","controls":[]}`), 0o644)
	r := check(t, dir, key, defaultPolicy(t))
	if !r.OK {
		t.Fatalf("%+v", r)
	}
	if r.CIS.Profile != "cis_level1_server" || len(r.CIS.Controls) != 1 {
		t.Errorf("report took the unsigned copy: %+v", r.CIS)
	}
}

// TestSBOMDocumentsOnlyWhenVerified (issue 17, item 1): the SBOM documents
// a caller may hand to a scanner are there only when everything verified.
func TestSBOMDocumentsOnlyWhenVerified(t *testing.T) {
	key := newKey(t)
	dir := publish(t, key, live(), passing)
	r := check(t, dir, key, defaultPolicy(t))
	if !r.OK || !strings.Contains(string(r.SBOMDocuments[CycloneDX]), `"purl":"pkg:deb/debian/bash@5.2"`) || !strings.Contains(string(r.SBOMDocuments[SPDX]), `"name":"bash"`) {
		t.Fatalf("ok=%v documents %q problems %v", r.OK, r.SBOMDocuments, r.Problems)
	}
	failing := publish(t, key, live(), []cis.Result{{Rule: "r", CIS: "1.1", Level: 1, Status: cis.Fail}})
	if r := check(t, failing, key, defaultPolicy(t)); r.OK || r.SBOMDocuments != nil {
		t.Errorf("failed verification: ok=%v documents %q", r.OK, r.SBOMDocuments)
	}
}

func TestPolicyDescribe(t *testing.T) {
	p := policy(t, WithRequire("sbom"), WithMinLevel(2), WithMaxFailed(3), WithMaxAge(720*time.Hour), WithAllowedBuilders("https://ci.example/a"))
	got := strings.Join(p.Describe(), "\n")
	want := "required statements: sbom, cis, provenance\n" +
		"CIS (whenever its statement verifies): profile level 2 or higher, at most 3 unwaived failed or error controls of levels up to 2\n" +
		"build age: at most 720h0m0s\n" +
		"SLSA builder: one of https://ci.example/a"
	if got != want {
		t.Errorf("Describe:\n%s\nwant\n%s", got, want)
	}
	if got := policy(t, WithRequire("cis")).Describe(); got[2] != "build age: any" || got[3] != "SLSA builder: any" {
		t.Errorf("defaults: %q", got)
	}
}
