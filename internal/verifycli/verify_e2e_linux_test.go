package verifycli

// End to end: real Packer hardens, finalizes and attests the cloud-like
// Debian 12 rootfs; the installed plugin's verify command then checks the
// output the way an auditor would, and headless Chromium renders its HTML
// report. Gated by HARDENING_E2E or PACKER_ACC like every e2e test.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
)

func TestE2EVerifyDemoOutput(t *testing.T) {
	e2e.Packer(t)
	tarball := e2e.CloudlikeTarball(t)
	work := t.TempDir()
	if err := os.Mkdir(filepath.Join(work, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	keyPath, k := e2e.SigningKey(t, work)
	pubPEM, _ := attest.PublicKeyPEM(&k.PublicKey)
	pub := filepath.Join(work, "trusted.pub")
	os.WriteFile(pub, pubPEM, 0o644)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherPEM, _ := attest.PublicKeyPEM(&other.PublicKey)
	wrongPub := filepath.Join(work, "other.pub")
	os.WriteFile(wrongPub, otherPEM, 0o644)

	tpl := fmt.Sprintf(`
source "hardening-rootfs" "debian12" {
  source_tarball    = %[1]q
  source_date_epoch = 1735689600
  temp_directory    = "%[2]s/tmp"
  output_directory  = "%[2]s/output"
}
build {
  sources = ["source.hardening-rootfs.debian12"]
  provisioner "hardening" {
    evidence_dir = "%[2]s/evidence"
  }
  provisioner "hardening-finalize" {
    evidence_dir = "%[2]s/evidence"
  }
  post-processor "hardening-attest" {
    evidence_dir = "%[2]s/evidence"
    output_dir   = "%[2]s/attestations"
    key_file     = %[3]q
  }
}
`, tarball, work, keyPath)
	if log, err := e2e.Build(t, tpl, nil); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	bin := e2e.PluginBinary(t)
	out := filepath.Join(work, "output", "rootfs.tar")
	att := filepath.Join(work, "attestations")
	dir := filepath.Join(att, "debian12", "rootfs", "local", "rootfs.tar")
	run := func(args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"verify"}, args...)...)
		o, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(o)
	}

	html := filepath.Join(work, "report.html")
	code, o := run("--key", pub, "--manifest", filepath.Join(att, "manifest.json"), "--build", "debian12", "--location-key", "local", "--html", html, out)
	if code != 0 || !strings.Contains(o, "VERIFIED  rootfs.tar") || !strings.Contains(o, "verified      provenance, cyclonedx, spdx, cis") {
		t.Fatalf("verify the demo output: exit %d\n%s", code, o)
	}
	checkHTML(t, html, dir)

	// What example/terraform's module runs: a JSON object of strings for
	// the external data source.
	cmd := exec.Command(bin, "verify", "--terraform", "--key", pub, "--manifest", filepath.Join(att, "manifest.json"), "--build", "debian12", "--location-key", "local", "--require", "provenance,sbom,cis", out)
	tf, err := cmd.Output()
	var result map[string]string
	if err != nil || json.Unmarshal(tf, &result) != nil || result["image_id"] != "rootfs.tar" || result["verified"] != "true" || len(result["subject_sha256"]) != 64 {
		t.Errorf("--terraform: %v %q", err, tf)
	}

	// Each of these must fail with a reason that names the problem.
	copyDir := func(t *testing.T) string {
		t.Helper()
		d := filepath.Join(t.TempDir(), "rootfs.tar")
		if b, err := exec.Command("cp", "-a", dir, d).CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, b)
		}
		return d
	}
	tests := []struct {
		name  string
		args  func(t *testing.T) []string
		wants string
	}{
		{"wrong key", func(t *testing.T) []string { return []string{"--key", wrongPub, "--location", dir, out} },
			"provenance.sigstore.json does not verify with the trusted key"},
		{"tampered bundle", func(t *testing.T) []string {
			d := copyDir(t)
			b, _ := os.ReadFile(filepath.Join(d, "cis.sigstore.json"))
			os.WriteFile(filepath.Join(d, "cis.sigstore.json"), []byte(strings.Replace(string(b), `"sig":"`, `"sig":"AA`, 1)), 0o644)
			return []string{"--key", pub, "--location", d, out}
		}, "cis.sigstore.json does not verify"},
		{"another image as the subject", func(t *testing.T) []string {
			other := filepath.Join(t.TempDir(), "rootfs.tar")
			os.WriteFile(other, []byte("another image"), 0o644)
			return []string{"--key", pub, "--location", dir, other}
		}, "does not verify with the trusted key for subject sha256:"},
		{"missing SBOM when required", func(t *testing.T) []string {
			d := copyDir(t)
			os.Remove(filepath.Join(d, "sbom.cdx.sigstore.json"))
			os.Remove(filepath.Join(d, "sbom.spdx.sigstore.json"))
			return []string{"--key", pub, "--location", d, out}
		}, "no verified sbom attestation"},
		{"CIS below policy", func(t *testing.T) []string { return []string{"--key", pub, "--location", dir, "--min-level", "2", out} },
			"profile cis_level1_server is Level 1, the policy requires Level 2"},
		{"expired", func(t *testing.T) []string { return []string{"--key", pub, "--location", dir, "--max-age", "1ms", out} },
			"the policy allows 1ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, o := run(tt.args(t)...)
			if code != ExitFailed || !strings.Contains(o, tt.wants) {
				t.Errorf("exit %d, want 1 and %q:\n%s", code, tt.wants, o)
			}
		})
	}
}

// checkHTML renders the report in headless Chromium: no console errors, a
// screenshot of the summary, and nothing from an unsigned file.
func checkHTML(t *testing.T, html, dir string) {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: scripts/tools.sh installs Debian's chromium package")
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="summary"`, "VERIFIED: rootfs.tar", "Provenance (SLSA v1)", "CIS results", "cis_level1_server", "kmod_cramfs_disabled"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	// The copy of the CIS results next to the bundles is unsigned: change
	// it, render again, and it must not show.
	cisCopy := filepath.Join(dir, evidence.CISResultsFile)
	b, _ := os.ReadFile(cisCopy)
	tampered := strings.Replace(string(b), "cis_level1_server", "TAMPERED_UNSIGNED_PROFILE", -1)
	if tampered == string(b) {
		t.Fatal("the CIS copy does not name the profile")
	}
	os.WriteFile(cisCopy, []byte(tampered), 0o644)
	defer os.WriteFile(cisCopy, b, 0o644)
	html2 := filepath.Join(t.TempDir(), "report.html")
	var stdout, stderr strings.Builder
	if Main(t.Context(), []string{"--key", filepath.Join(dir, "key.pub"), "--location", dir, "--html", html2, filepath.Join(dir, "..", "..", "..", "..", "..", "output", "rootfs.tar")}, &stdout, &stderr, DefaultClouds) != 0 {
		t.Fatalf("verify after changing an unsigned file: %s", stderr.String())
	}
	if page2, _ := os.ReadFile(html2); strings.Contains(string(page2), "TAMPERED_UNSIGNED_PROFILE") || !strings.Contains(string(page2), "cis_level1_server") {
		t.Error("the HTML report shows data from an unsigned file")
	}

	shot := filepath.Join(filepath.Dir(html), "report.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--log-level=0",
		"--window-size=1280,900", "--screenshot="+shot, "file://"+html)
	logs, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, logs)
	}
	for _, l := range strings.Split(string(logs), "\n") {
		if strings.Contains(l, ":CONSOLE") {
			t.Errorf("console message: %s", l)
		}
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("screenshot %s: %v", shot, err)
	}
	if keep := os.Getenv("HARDENING_REPORT_SCREENSHOT"); keep != "" {
		exec.Command("cp", shot, keep).Run()
	}
}
