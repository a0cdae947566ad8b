package verifycli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify"
)

// printedReport is a verified report with what makes printing hard: long
// multi-line evidence, a long word without spaces, reboot-bound fixes.
func printedReport() (*verify.Report, *trusted, []string) {
	res := &evidence.CISResults{Profile: "cis_level1_server", Mode: "remediate",
		Benchmark: evidence.BenchmarkInfo{ID: "debian12", Title: "CIS Debian Linux 12 Benchmark", Version: "v1.1.0"}}
	var markers []string
	for i := range 40 {
		c := cis.Result{Rule: fmt.Sprintf("rule_%02d_under_test", i), CIS: fmt.Sprintf("5.%d", i), Level: 1, Status: cis.Pass,
			Title: fmt.Sprintf("Control %d", i), Evidence: "ok"}
		switch i {
		case 3, 11, 19, 27: // long evidence: 40 lines, far over the 8rem of a screen cell
			var lines []string
			for l := range 40 {
				lines = append(lines, fmt.Sprintf("observed line %d of control %d: /etc/ssh/sshd_config.d/50-hardening.conf PermitRootLogin no", l, i))
			}
			marker := fmt.Sprintf("END-OF-EVIDENCE-%d", i)
			c.Evidence = strings.Join(lines, "\n") + "\n" + marker
			markers = append(markers, marker)
		case 30: // one word wider than the page
			c.Evidence = "sha512:" + strings.Repeat("0123456789abcdef", 25) + "LONGWORDEND"
			markers = append(markers, "LONGWORDEND")
		case 5, 7:
			c.Status, c.RebootRequired = cis.Fixed, true
		}
		res.Controls = append(res.Controls, c)
	}
	rep := &verify.Report{Subject: "rootfs.tar", SubjectSHA256: strings.Repeat("ab", 32), Source: "/attestations/debian12/rootfs/local/rootfs.tar",
		Verified: []string{"provenance", "cyclonedx", "spdx", "cis"}, CIS: res, OK: true, Problems: []verify.Problem{}}
	trust := &trusted{Key: "keys/cosign.pub", KeyFingerprint: "sha256:" + strings.Repeat("cd", 32),
		Policy: []string{"required statements: provenance, sbom, cis", "build age: any"}}
	return rep, trust, markers
}

// TestReportPrintsWhole (issue 17, item 7): the HTML report printed to PDF
// by headless Chromium shows every control and every evidence cell to its
// last line, the key fingerprint, the policy and the fixes that need a
// reboot.
func TestReportPrintsWhole(t *testing.T) {
	if os.Getenv("HARDENING_E2E") == "" && os.Getenv("PACKER_ACC") == "" {
		t.Skip("end-to-end test: set HARDENING_E2E=1 (make test does)")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: scripts/tools.sh installs Debian's chromium package")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext not found: scripts/tools.sh installs Debian's poppler-utils package")
	}
	dir := t.TempDir()
	html, pdf := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	rep, trust, markers := printedReport()
	if err := writeHTML(html, rep, trust); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
		"--print-to-pdf="+pdf, "file://"+html).CombinedOutput()
	if err != nil {
		t.Fatalf("chromium --print-to-pdf: %v\n%s", err, out)
	}
	txt, err := exec.Command(pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Count(string(txt), "\f")
	// Line breaks and layout spaces aside, the printed text holds every word.
	flat := regexp.MustCompile(`\s+`).ReplaceAllString(string(txt), "")
	for _, c := range rep.CIS.Controls {
		if !strings.Contains(flat, c.Rule) {
			t.Errorf("control %s is not in the PDF", c.Rule)
		}
	}
	whole := 0
	for _, m := range markers {
		if strings.Contains(flat, m) {
			whole++
		} else {
			t.Errorf("clipped: %s is not in the PDF", m)
		}
	}
	long := rep.CIS.Controls[30].Evidence
	if !strings.Contains(flat, long) {
		t.Errorf("the long word of control 30 is cut in the PDF")
	}
	for _, want := range []string{trust.KeyFingerprint, "keys/cosign.pub", "requiredstatements:provenance,sbom,cis",
		"Fixesthattakeeffectafterareboot", "Fixesneedingareboot2"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	t.Logf("PDF: %d pages, %d controls, %d of %d long cells whole", pages, len(rep.CIS.Controls), whole, len(markers))
	if keep := os.Getenv("HARDENING_REPORT_PDF"); keep != "" {
		exec.Command("cp", pdf, keep).Run()
	}
}
