package verifycli

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify"
)

// summary prints the human report. Every value is cleaned: even signed
// strings are printed as data, never as terminal commands.
func summary(w io.Writer, r *verify.Report) {
	verdict := "VERIFIED"
	if !r.OK {
		verdict = "FAILED"
	}
	line := func(format string, a ...any) {
		for i, v := range a {
			if s, ok := v.(string); ok {
				a[i] = clean(s)
			}
		}
		fmt.Fprintf(w, format+"\n", a...)
	}
	line("%s  %s", verdict, r.Subject)
	line("  subject sha256:%s", r.SubjectSHA256)
	line("  attestations  %s", r.Source)
	line("  verified      %s", strings.Join(r.Verified, ", "))
	if d := r.Descriptor; d != nil && d.AWS != nil {
		line("  image         %s in %s, account %s, created %s, snapshots %s", d.AWS.ImageID, d.AWS.Region, d.AWS.Account, d.AWS.CreationDate, strings.Join(d.AWS.SnapshotIDs, ", "))
	}
	if d := r.Descriptor; d != nil && d.GCE != nil {
		line("  image         %s (id %s) in %s, created %s", d.GCE.Name, d.GCE.ID, d.GCE.Project, d.GCE.CreationTimestamp)
	}
	if p := r.Provenance; p != nil {
		line("  built by      %s, %s (%s)", p.RunDetails.Builder.ID, p.RunDetails.Metadata.FinishedOn.Format(time.RFC3339), p.RunDetails.Metadata.InvocationID)
	}
	if c := r.CIS; c != nil {
		line("  CIS           %s, %s %s: score %.1f%%, %s", c.Profile, c.Benchmark.ID, c.Benchmark.Version, c.Summary.Score, counts(c.Summary.Counts))
	}
	if s := r.SBOM; s != nil {
		line("  SBOM          %d CycloneDX components, %d SPDX packages", s.CycloneDXComponents, s.SPDXPackages)
	}
	for _, p := range r.Problems {
		line("  FAILED %-10s %s", p.Check, p.Reason)
	}
}

func counts(n map[cis.Status]int) string {
	var parts []string
	for _, s := range cis.Statuses {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

//go:embed report.html.tmpl
var reportTemplate string

var reportHTML = template.Must(template.New("report").Funcs(template.FuncMap{
	"counts": counts,
	"time":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"secs":   func(ms int64) string { return fmt.Sprintf("%.0f", float64(ms)/1000) },
	"sorted": func(m map[string]string) [][2]string {
		var kv [][2]string
		for k, v := range m {
			kv = append(kv, [2]string{k, v})
		}
		sort.Slice(kv, func(i, j int) bool { return kv[i][0] < kv[j][0] })
		return kv
	},
	"sortedInt": func(m map[string]int) [][2]any {
		var kv [][2]any
		for k, v := range m {
			kv = append(kv, [2]any{k, v})
		}
		sort.Slice(kv, func(i, j int) bool { return kv[i][0].(string) < kv[j][0].(string) })
		return kv
	},
}).Parse(reportTemplate))

// htmlPage is what the HTML report shows: the report, what it was checked
// against, and the fixes that take effect only after a reboot.
type htmlPage struct {
	*verify.Report
	Trust  *trusted
	Reboot []cis.Result
}

// keyFingerprint is the sha256 of the key's DER SubjectPublicKeyInfo, what
// `openssl pkey -pubin -in key.pub -outform DER | sha256sum` prints.
func keyFingerprint(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode the trusted key: %w", err)
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// writeHTML renders the report. Everything in it comes from r, which holds
// only data from verified statements, and from the caller's key and policy.
func writeHTML(file string, r *verify.Report, trust *trusted) error {
	page := htmlPage{Report: r, Trust: trust}
	if r.CIS != nil {
		for _, c := range r.CIS.Controls {
			if c.RebootRequired && c.Status == cis.Fixed {
				page.Reboot = append(page.Reboot, c)
			}
		}
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	if err := reportHTML.Execute(f, page); err != nil {
		f.Close()
		return fmt.Errorf("render the HTML report: %w", err)
	}
	return f.Close()
}
