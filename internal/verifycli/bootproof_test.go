package verifycli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify"
)

// The HTML report shows the boot proof and each control's after-boot
// result, or says that the image was not proven at boot.
func TestHTMLShowsBootProof(t *testing.T) {
	controls := []cis.Result{
		{Rule: "sysctl_ip_forward_disabled", CIS: "3.3.1", Level: 1, Status: cis.Fixed, RebootRequired: true, Evidence: "net.ipv4.ip_forward = 0 (file)",
			AfterBoot: &cis.AfterBoot{Status: cis.Pass, Evidence: "running: net.ipv4.ip_forward = 0"}},
		{Rule: "mount_tmp_noexec", CIS: "1.1.2.1.4", Level: 1, Status: cis.Fixed, RebootRequired: true, Evidence: "fstab: noexec",
			AfterBoot: &cis.AfterBoot{Status: cis.Fail, Evidence: "running: /tmp lacks noexec", Regression: true}},
	}
	render := func(p *evidence.BootProof) string {
		t.Helper()
		rep := &verify.Report{OK: true, CIS: &evidence.CISResults{Profile: "cis_level1_server", Controls: controls, BootProof: p}}
		file := filepath.Join(t.TempDir(), "report.html")
		if err := writeHTML(file, rep, &trusted{Key: "key.pub"}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	proof := &evidence.BootProof{RebootedFrom: "5b1d9a52-3b0e-4c57-9bb5-1a0a8e5a6c01", BootID: "0f6f0e4e-8d1e-4bd4-8a6b-7b5d3c2e1f00",
		RebootMS: 48200, AuditedAt: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC), Counts: map[cis.Status]int{cis.Pass: 1, cis.Fail: 1},
		Regressions: []string{"mount_tmp_noexec"}}
	html := render(proof)
	for _, want := range []string{"Proven at boot", "0f6f0e4e-8d1e-4bd4-8a6b-7b5d3c2e1f00", "back after 48 s", "2026-12-06T10:00:00Z",
		"1 regressions", "<th>After boot</th>", "fail (regression)", "after the boot:\nrunning: /tmp lacks noexec", "running: net.ipv4.ip_forward = 0"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report with a boot proof lacks %q", want)
		}
	}
	for i := range controls {
		controls[i].AfterBoot = nil
	}
	html = render(nil)
	if !strings.Contains(html, "no: the image was not rebooted and audited after hardening") || strings.Contains(html, "<th>After boot</th>") {
		t.Error("the report without a boot proof does not say so, or shows an after-boot column")
	}
}
