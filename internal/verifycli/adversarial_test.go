package verifycli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify/verifytest"
)

var passingControls = []cis.Result{{Rule: "r", CIS: "1.1", Level: 1, Status: cis.Pass}}

// noClouds fails every cloud call: these tests run offline.
var noClouds = Clouds{
	AWS: func(context.Context, string) (*aws.Client, error) { return nil, errors.New("no AWS in this test") },
	GCE: func(context.Context) (*gce.Client, error) { return nil, errors.New("no GCE in this test") },
}

// tarballDir writes a tarball and its image directory, the statements
// signed with key, and returns both. preds replaces predicates by kind.
func tarballDir(t *testing.T, key *ecdsa.PrivateKey, preds ...map[string]any) (tarball, dir string) {
	t.Helper()
	work := t.TempDir()
	tarball = filepath.Join(work, "rootfs.tar")
	os.WriteFile(tarball, []byte("a rootfs tarball"), 0o644)
	dir = filepath.Join(work, "attestations")
	os.Mkdir(dir, 0o755)
	sum := attest.SHA256([]byte("a rootfs tarball"))
	pred := map[string]any{
		"provenance": verifytest.Provenance(time.Now().UTC().Add(-time.Hour)),
		"cyclonedx":  map[string]any{"components": []any{}},
		"spdx":       map[string]any{"packages": []any{}},
		"cis":        map[string]any{"profile": "cis_level1_server", "controls": passingControls},
	}
	for _, m := range preds {
		maps.Copy(pred, m)
	}
	for _, k := range layout.Kinds {
		p, _ := json.Marshal(pred[k.Name])
		st, err := attest.NewStatement(k.PredicateType, p, attest.Subject{Name: "rootfs.tar", Digest: map[string]string{"sha256": sum}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := attest.Sign(key, st)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, k.File), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, layout.IndexFile), []byte(`{}`), 0o644)
	return tarball, dir
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// mainWithin runs the command and fails the test when it has not returned
// after d.
func mainWithin(t *testing.T, d time.Duration, clouds Clouds, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := verifyCmd(t, clouds, args...)
		done <- result{code, out, errOut}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(d):
		t.Fatalf("verify %q still runs after %s", args, d)
	}
	return 0, "", ""
}

// TestRequireAndPolicyFlags (issue 14, items 2 and 6): an empty or unknown
// --require and impossible values are usage errors; a policy flag requires
// the statement it reads.
func TestRequireAndPolicyFlags(t *testing.T) {
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)
	tests := []struct {
		name   string
		remove []string
		args   []string
		code   int
		want   string
	}{
		{"empty require, no bundle", []string{"provenance", "cyclonedx", "spdx", "cis"}, []string{"--require", ""}, ExitUsage, `--require "" names no statement`},
		{"comma require, no bundle", []string{"provenance", "cyclonedx", "spdx", "cis"}, []string{"--require", ","}, ExitUsage, `--require "," names no statement`},
		{"empty require", nil, []string{"--require", ""}, ExitUsage, "names no statement"},
		{"unknown require", nil, []string{"--require", "provenance,slsa"}, ExitUsage, `--require "slsa"`},
		{"max age without provenance", []string{"provenance"}, []string{"--require", "sbom,cis", "--max-age", "720h"}, ExitFailed, "no verified provenance attestation"},
		{"allowed builder without provenance", []string{"provenance"}, []string{"--require", "sbom", "--allow-builder", verifytest.Builder}, ExitFailed, "no verified provenance attestation"},
		{"min level without CIS", []string{"cis"}, []string{"--require", "provenance,sbom", "--min-level", "1"}, ExitFailed, "no verified cis attestation"},
		{"max failed without CIS", []string{"cis"}, []string{"--require", "provenance", "--max-failed", "3"}, ExitFailed, "no verified cis attestation"},
		{"nothing verifies", []string{"provenance", "cyclonedx", "spdx", "cis"}, []string{"--require", "sbom"}, ExitFailed, "no statement in"},
		{"negative max age", nil, []string{"--max-age", "-1h"}, ExitUsage, "max age -1h0m0s: use a positive duration"},
		{"min level 3", nil, []string{"--min-level", "3"}, ExitUsage, "min level 3: accepted are 1 and 2"},
		{"negative max failed", nil, []string{"--max-failed", "-1"}, ExitUsage, "max failed -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tarball, dir := tarballDir(t, key)
			for _, r := range tt.remove {
				k, _ := layout.KindByName(r)
				os.Remove(filepath.Join(dir, k.File))
			}
			code, out, errOut := verifyCmd(t, noClouds, append(append([]string{"--key", pub, "--location", dir}, tt.args...), tarball)...)
			if code != tt.code || !strings.Contains(errOut, tt.want) || strings.Contains(out, "VERIFIED") {
				t.Errorf("exit %d, want %d and %q\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
	// The defaults still verify a complete directory.
	tarball, dir := tarballDir(t, key)
	if code, out, errOut := verifyCmd(t, noClouds, "--key", pub, "--location", dir, tarball); code != ExitVerified {
		t.Errorf("defaults: exit %d\n%s%s", code, out, errOut)
	}
}

// TestSignedContentPolicyCLI (issue 14, item 6): signed statements the
// gate must refuse.
func TestSignedContentPolicyCLI(t *testing.T) {
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)
	ctl := func(rule string, level int, status cis.Status) cis.Result {
		return cis.Result{Rule: rule, CIS: "1.1", Level: level, Status: status}
	}
	tests := []struct {
		name string
		pred map[string]any
		args []string
	}{
		{"finished in the future", map[string]any{"provenance": verifytest.Provenance(time.Now().Add(240 * time.Hour))}, []string{"--max-age", "720h"}},
		{"level 2 failure under min level 2", map[string]any{"cis": map[string]any{"profile": "cis_level2_server",
			"controls": []cis.Result{ctl("a", 1, cis.Pass), ctl("b", 2, cis.Fail)}}}, []string{"--min-level", "2"}},
		{"unknown status", map[string]any{"cis": map[string]any{"profile": "cis_level1_server",
			"controls": []cis.Result{ctl("a", 1, cis.Pass), ctl("b", 1, "failed")}}}, nil},
		{"level 3", map[string]any{"cis": map[string]any{"profile": "cis_level1_server",
			"controls": []cis.Result{ctl("a", 1, cis.Pass), ctl("b", 3, cis.Fail)}}}, nil},
		{"waived without a waiver", map[string]any{"cis": map[string]any{"profile": "cis_level1_server",
			"controls": []cis.Result{ctl("a", 1, cis.Pass), ctl("b", 1, cis.Waived)}}}, nil},
		{"level from a substring", map[string]any{"cis": map[string]any{"profile": "cis_level1_server_not_level2",
			"controls": []cis.Result{ctl("a", 1, cis.Pass)}}}, []string{"--min-level", "2"}},
		{"no control", map[string]any{"cis": map[string]any{"profile": "cis_level1_server", "controls": []cis.Result{}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tarball, dir := tarballDir(t, key, tt.pred)
			code, out, errOut := verifyCmd(t, noClouds, append(append([]string{"--key", pub, "--location", dir}, tt.args...), tarball)...)
			if code != ExitFailed {
				t.Errorf("exit %d, want 1\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestTargetFromFlags (issue 14, item 5): the flags decide the kind of
// image; a local file named like a GCE image changes nothing.
func TestTargetFromFlags(t *testing.T) {
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)
	tarball, dir := tarballDir(t, key)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"project with an existing file", []string{"--project", "acme-images", "--location", dir, tarball}, `GCE image "` + tarball + `"`},
		{"project with a file named like the image", []string{"--project", "acme-images", "--location", dir, "rootfs.tar"}, "no GCE in this test"},
		{"region and project", []string{"--region", "eu-west-1", "--project", "acme-images", "--location", dir, "ami-0abc"}, "give one"},
		{"region with a file", []string{"--region", "eu-west-1", "--location", dir, tarball}, "want an AMI ID"},
		{"a file without --location", []string{tarball}, "give --region for an AMI, --project for a GCE image, or --location for a tarball"},
		{"a directory as tarball", []string{"--location", dir, dir}, "not a regular file"},
	}
	// A file named like the GCE image in the current directory.
	wd, _ := os.Getwd()
	os.Chdir(filepath.Dir(tarball))
	defer os.Chdir(wd)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := verifyCmd(t, noClouds, append([]string{"--key", pub}, tt.args...)...)
			if code != ExitUsage || !strings.Contains(errOut, tt.want) || strings.Contains(out, "VERIFIED") {
				t.Errorf("exit %d, want 2 and %q\n%s%s", code, tt.want, out, errOut)
			}
		})
	}
}

// TestNoTerminalInjection (issue 14, item 4): neither an unsigned
// descriptor nor signed fields put control characters on the terminal.
func TestNoTerminalInjection(t *testing.T) {
	const evil = "\x1b[2K\r\x1b[1AVERIFIED  \u202e\x9b31m"
	clouds, _, img := fakeAMI(t)
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)

	// Unsigned: a descriptor naming the image in another region with
	// escape sequences, bundles signed by someone else.
	d := img.Descriptor("")
	d.AWS.Region, d.AWS.Name = "eu-west-1"+evil, evil
	unsigned := t.TempDir()
	for name, b := range verifytest.Files(t, newKey(t), d, time.Now().UTC(), passingControls) {
		os.WriteFile(filepath.Join(unsigned, name), b, 0o644)
	}
	// Signed: the trusted key signed a builder id with escape sequences.
	signed := t.TempDir()
	for name, b := range verifytest.Files(t, key, img.Descriptor(""), time.Now().UTC(), passingControls) {
		os.WriteFile(filepath.Join(signed, name), b, 0o644)
	}
	prov := verifytest.Provenance(time.Now().UTC())
	prov.RunDetails.Builder.ID = "https://ci.example.com/" + evil
	prov.RunDetails.Metadata.InvocationID = evil
	os.WriteFile(filepath.Join(signed, "provenance.sigstore.json"), verifytest.Bundle(t, key, img.Descriptor(""), "provenance", prov), 0o644)

	for name, args := range map[string][]string{
		"unsigned descriptor": {"--key", pub, "--region", "eu-west-1", "--location", unsigned, "ami-0abc"},
		"unsigned, JSON":      {"--key", pub, "--region", "eu-west-1", "--location", unsigned, "--json", "ami-0abc"},
		"signed fields":       {"--key", pub, "--region", "eu-west-1", "--location", signed, "--allow-builder", "https://ci.example.com/", "ami-0abc"},
		"signed fields, JSON": {"--key", pub, "--region", "eu-west-1", "--location", signed, "--json", "ami-0abc"},
		"argument":            {"--key", pub, "--region", "eu-west-1", "ami-0abc" + evil},
		"unknown flag":        {"--key", pub, "--" + evil},
		"extra argument":      {"--key", pub, "--region", "eu-west-1", "ami-0abc", evil},
	} {
		t.Run(name, func(t *testing.T) {
			_, out, errOut := verifyCmd(t, clouds, args...)
			for _, s := range []string{out, errOut} {
				// Line breaks and the usage's tabs are ours.
				if i := strings.IndexFunc(s, func(r rune) bool { return r != '\n' && r != '\t' && unsafeRune(r) }); i >= 0 {
					t.Errorf("printed %q at %d:\n%q", s[i], i, s)
				}
			}
			for _, l := range strings.Split(out+errOut, "\n") {
				if strings.HasPrefix(l, "VERIFIED") && !strings.Contains(name, "signed fields") {
					t.Errorf("printed a VERIFIED line:\n%q", out)
				}
			}
		})
	}
}

// fakeAMI starts a fake EC2 with ami-0abc in eu-west-1 and returns clouds
// that reach it, a client and the image.
func fakeAMI(t *testing.T) (Clouds, *aws.Client, aws.Image) {
	t.Helper()
	env := awsfake.Start(t)
	env.EC2.AddImage("eu-west-1", awsfake.Image{ImageID: "ami-0abc", OwnerID: "111122223333", Snapshots: map[string]string{"/dev/xvda": "snap-1"}})
	clouds := Clouds{AWS: func(ctx context.Context, region string) (*aws.Client, error) {
		cfg := env.Config()
		cfg.Region = region
		return aws.New(ctx, cfg)
	}}
	c, err := clouds.AWS(t.Context(), "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.DescribeImage(t.Context(), aws.ImageRef{Region: "eu-west-1", ImageID: "ami-0abc"})
	if err != nil {
		t.Fatal(err)
	}
	return clouds, c, img
}

// TestManifestPathsConfined (issue 14, item 7): a manifest's image_id
// never leads out of the manifest's directory, and --terraform prints the
// image that was verified, not the manifest's string.
func TestManifestPathsConfined(t *testing.T) {
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)
	tarball, dir := tarballDir(t, key)
	manifest := func(t *testing.T, imageID string) string {
		t.Helper()
		m := layout.Manifest{Schema: layout.ManifestSchema, Builds: map[string]layout.ManifestBuild{
			"debian12": {Provider: "rootfs", Images: map[string]layout.ManifestImage{"local": {ImageID: imageID}}},
			"ubuntu":   {Provider: "aws", Images: map[string]layout.ManifestImage{"eu-west-1": {ImageID: imageID}}}}}
		b, _ := json.Marshal(m)
		out := filepath.Join(t.TempDir(), "out")
		os.Mkdir(out, 0o755)
		p := filepath.Join(out, "manifest.json")
		os.WriteFile(p, b, 0o644)
		return p
	}

	// ../ out of <out>/debian12/rootfs/local into the attestations.
	m := manifest(t, "x")
	rel, _ := filepath.Rel(filepath.Join(filepath.Dir(m), "debian12", "rootfs", "local"), dir)
	m = manifest(t, rel)
	os.MkdirAll(filepath.Join(filepath.Dir(m), "debian12", "rootfs", "local"), 0o755)
	code, out, errOut := verifyCmd(t, noClouds, "--key", pub, "--manifest", m, "--build", "debian12", "--location-key", "local", "--terraform", tarball)
	if code != ExitUsage || !strings.Contains(errOut, "the manifest's image_id") || out != "" {
		t.Errorf("image_id %q: exit %d\n%s%s", rel, code, out, errOut)
	}

	// An AMI from the manifest with a tarball as IMAGE: which one?
	m = manifest(t, "ami-0abc")
	if code, out, errOut := verifyCmd(t, noClouds, "--key", pub, "--manifest", m, "--build", "ubuntu", "--location-key", "eu-west-1", tarball); code != ExitUsage || !strings.Contains(errOut, "drop IMAGE") {
		t.Errorf("AMI build with IMAGE: exit %d\n%s%s", code, out, errOut)
	}

	// A plain image_id that is not the tarball's name: the attestations
	// verify, and the output names the verified tarball.
	m = manifest(t, "not-the-image.tar")
	imgDir := filepath.Join(filepath.Dir(m), "debian12", "rootfs", "local", "not-the-image.tar")
	os.MkdirAll(filepath.Dir(imgDir), 0o755)
	os.Rename(dir, imgDir)
	code, out, errOut = verifyCmd(t, noClouds, "--key", pub, "--manifest", m, "--build", "debian12", "--location-key", "local", "--terraform", tarball)
	var res map[string]string
	if code != ExitVerified || json.Unmarshal([]byte(out), &res) != nil || res["image_id"] != "rootfs.tar" {
		t.Errorf("--terraform: exit %d, %q\n%s", code, out, errOut)
	}
}

// TestLocationRegularFilesOnly (issue 14, item 8): a FIFO does not hang
// verify, symlinks are not followed, and an AMI's tag never names a local
// path.
func TestLocationRegularFilesOnly(t *testing.T) {
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)
	tests := []struct {
		name  string
		plant func(t *testing.T, dir string)
		want  string
	}{
		{"fifo", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "cis.sigstore.json")
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "cis.sigstore.json: not a regular file"},
		{"bundle symlinked out", func(t *testing.T, dir string) {
			outside := t.TempDir()
			p := filepath.Join(dir, "cis.sigstore.json")
			os.Rename(p, filepath.Join(outside, "cis.sigstore.json"))
			os.Symlink(filepath.Join(outside, "cis.sigstore.json"), p)
		}, "cis.sigstore.json: not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tarball, dir := tarballDir(t, key)
			tt.plant(t, dir)
			code, out, errOut := mainWithin(t, 10*time.Second, noClouds, "--key", pub, "--location", dir, tarball)
			if code == ExitVerified || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, want %q\n%s%s", code, tt.want, out, errOut)
			}
		})
	}

	// An output_dir whose build directory is a symlink out of it.
	tarball, dir := tarballDir(t, key)
	outDir, elsewhere := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(elsewhere, "rootfs", "local"), 0o755)
	os.Rename(dir, filepath.Join(elsewhere, "rootfs", "local", "rootfs.tar"))
	os.Symlink(elsewhere, filepath.Join(outDir, "debian12"))
	if code, out, errOut := verifyCmd(t, noClouds, "--key", pub, "--location", outDir, tarball); code == ExitVerified {
		t.Errorf("followed a symlink out of --location: exit %d\n%s%s", code, out, errOut)
	}

	// A FIFO for a manifest: the attestations directory Terraform reads
	// the manifest from may be a copy of a bucket.
	fifo := filepath.Join(t.TempDir(), "manifest.json")
	if syscall.Mkfifo(fifo, 0o644) == nil {
		code, out, errOut := mainWithin(t, 10*time.Second, noClouds, "--key", pub, "--manifest", fifo, "--build", "b", "--location-key", "local", tarball)
		if code != ExitUsage || !strings.Contains(errOut, "not a regular file") {
			t.Errorf("FIFO manifest: exit %d\n%s%s", code, out, errOut)
		}
	}

	// An AMI tagged with a local directory of valid attestations.
	clouds, c, img := fakeAMI(t)
	local := t.TempDir()
	for name, b := range verifytest.Files(t, key, img.Descriptor(""), time.Now().UTC(), passingControls) {
		os.WriteFile(filepath.Join(local, name), b, 0o644)
	}
	if err := c.TagImage(t.Context(), aws.ImageRef{Region: "eu-west-1", ImageID: "ami-0abc"}, map[string]string{"hardening:attestations": local}); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := verifyCmd(t, clouds, "--key", pub, "--region", "eu-west-1", "ami-0abc"); code != ExitUsage || !strings.Contains(errOut, "hardening:attestations tag") {
		t.Errorf("tag naming a local path: exit %d\n%s%s", code, out, errOut)
	}
}

// TestFailedReportsHoldNoUnverifiedData (issue 14, item 9): when the
// attestations do not verify, the JSON and HTML reports do not show the
// descriptor's fields.
func TestFailedReportsHoldNoUnverifiedData(t *testing.T) {
	clouds, _, img := fakeAMI(t)
	key := newKey(t)
	pub := keyFile(t, &key.PublicKey)
	for name, d := range map[string]func() *descriptor.Descriptor{
		"unsigned": func() *descriptor.Descriptor {
			d := img.Descriptor("")
			d.AWS.Name = "UNVERIFIED-NAME"
			return d
		},
		"another snapshot": func() *descriptor.Descriptor {
			d := img.Descriptor("")
			d.AWS.Name, d.AWS.SnapshotIDs = "UNVERIFIED-NAME", []string{"snap-other"}
			return d
		},
	} {
		t.Run(name, func(t *testing.T) {
			signer := key
			if name == "unsigned" {
				signer = newKey(t)
			}
			dir := t.TempDir()
			for f, b := range verifytest.Files(t, signer, d(), time.Now().UTC(), passingControls) {
				os.WriteFile(filepath.Join(dir, f), b, 0o644)
			}
			html := filepath.Join(t.TempDir(), "report.html")
			code, out, errOut := verifyCmd(t, clouds, "--key", pub, "--region", "eu-west-1", "--location", dir, "--json", "--html", html, "ami-0abc")
			page, _ := os.ReadFile(html)
			if code != ExitFailed || strings.Contains(out, "UNVERIFIED-NAME") || strings.Contains(string(page), "UNVERIFIED-NAME") || strings.Contains(out, `"descriptor":`) {
				t.Errorf("exit %d; the reports show the unverified descriptor:\n%s\n%s", code, out, errOut)
			}
		})
	}
}
