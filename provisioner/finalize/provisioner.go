// Package finalize is the hardening-finalize provisioner: the last
// provisioner of a build. In one guest script it cleans the guest for
// capture, scans it for leftover secrets and captures its package database
// and filesystem listing; on the Packer host it turns them into CycloneDX
// and SPDX SBOMs and the filesystem manifest, and writes them as evidence
// for the hardening-attest post-processor.
package finalize

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"golang.org/x/crypto/ssh"

	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
	"github.com/imagesmith/packer-plugin-hardening/internal/manifest"
	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
	"github.com/imagesmith/packer-plugin-hardening/internal/seal"
	"github.com/imagesmith/packer-plugin-hardening/version"
)

// Provisioner is the hardening-finalize provisioner.
type Provisioner struct {
	config Config
}

var _ packersdk.Provisioner = (*Provisioner)(nil)

func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return p.config.FlatMapstructure().HCL2Spec() }

func (p *Provisioner) Prepare(raws ...interface{}) error { return p.config.Prepare(raws...) }

const generatorName = "packer-plugin-hardening"

func (p *Provisioner) Provision(ctx context.Context, ui packersdk.Ui, comm packersdk.Communicator, generatedData map[string]interface{}) error {
	start := time.Now()
	keys := append(buildKeys(generatedData), p.config.extraKeys...)
	gen := evidence.Generator{Name: generatorName, Version: version.PluginVersion.FormattedVersion()}
	script, err := seal.Script(seal.Options{
		Generator: gen.Name + " " + gen.Version, Steps: p.config.steps, BuildKeys: keys,
		ScanPaths: p.config.SecretScanPaths, Exclude: append(temporaryFiles(generatedData), p.config.ManifestExclude...), Jobs: p.config.HashJobs,
		ListingFormat: manifest.ListingFormat, RPMQueryFormat: sbom.RPMQueryFormat,
	})
	if err != nil {
		return err
	}
	var renderErr error
	runner := p.config.ExecConfig.Runner(comm, &p.config.ctx, seal.MaxOutputBytes, func(l string) { ui.Message(l) }, &renderErr)
	ui.Say(fmt.Sprintf("Finalizing the guest for capture: cleanup (%s), secret scan, package database and filesystem listing (one script)...",
		orNone(strings.Join(p.config.steps, ", "))))
	out, runErr := runner.Run(ctx, guest.Script{Name: guest.ScriptName("packer-finalize-"), Body: script})
	if renderErr != nil {
		return fmt.Errorf("execute_command: %w", renderErr)
	}
	if runErr != nil {
		return guest.ExplainRunError(runErr, out, "finalize")
	}
	capture, err := seal.Parse(out.Results)
	if err != nil {
		if errors.Is(err, seal.ErrIncomplete) && out.ExitStatus != 0 {
			return fmt.Errorf("%w (script exit status %d; stderr: %s)", err, out.ExitStatus, orNone(out.Stderr))
		}
		return err
	}

	// The host work below takes milliseconds and allocates a few times the
	// size of the results: a lower GC target keeps this plugin process's
	// peak memory near its live data rather than twice it.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	// Host work is timed beside the guest phases.
	t := time.Now()
	osr, err := sbom.ParseOSRelease(capture.OSRelease)
	if err != nil {
		return fmt.Errorf("guest os-release: %w", err)
	}
	pm, pkgs, err := packages(capture, osr)
	if err != nil {
		return err
	}
	doc := sbom.Document{
		OS: osr, Packages: pkgs, Tool: sbom.Tool{Name: gen.Name, Version: gen.Version},
		Created: time.Now().UTC(), SerialUUID: newUUID(), Name: p.config.PackerBuildName,
		Properties: map[string]string{"packer_build_name": p.config.PackerBuildName, "packer_run_uuid": os.Getenv("PACKER_RUN_UUID")},
	}
	cdx, err := sbom.CycloneDX(doc)
	if err != nil {
		return fmt.Errorf("CycloneDX SBOM: %w", err)
	}
	spdx, err := sbom.SPDX(doc)
	if err != nil {
		return fmt.Errorf("SPDX SBOM: %w", err)
	}

	capture.PhasesMS["host_sbom"] = time.Since(t).Milliseconds()

	t = time.Now()
	m, vanished, err := fsManifest(capture)
	if err != nil {
		return err
	}
	encoded := m.Encode()
	stats := m.Stats()
	capture.PhasesMS["host_manifest"] = time.Since(t).Milliseconds()

	res := &evidence.FinalizeResults{
		Stamp: evidence.Stamp{
			Schema: evidence.FinalizeResultsSchema, BuildName: p.config.PackerBuildName, BuilderType: p.config.PackerBuilderType,
			RunUUID: os.Getenv("PACKER_RUN_UUID"), GeneratedAt: time.Now().UTC(), Generator: gen,
		},
		OS: evidence.OSInfo{ID: osr.ID, VersionID: osr.VersionID, PrettyName: osr.PrettyName},
		Execution: evidence.FinalizeExecution{
			GuestMS: capture.PhasesMS["total"], PhasesMS: capture.PhasesMS, HashJobs: capture.Jobs,
			RoundTrips: out.RoundTrips, WallMS: time.Since(start).Milliseconds(),
		},
		SBOM: evidence.SBOMInfo{PackageManager: pm, Packages: len(pkgs)},
		Manifest: evidence.ManifestInfo{
			Digest: manifest.Digest(encoded), Entries: stats.Entries, Files: stats.Files, Dirs: stats.Dirs,
			Symlinks: stats.Symlinks, Other: stats.Other, Bytes: stats.Bytes, Pruned: capture.Pruned, Vanished: vanished,
		},
		Secrets: p.secrets(capture.Findings),
	}
	for _, s := range capture.Cleanup {
		res.Cleanup = append(res.Cleanup, evidence.CleanupStep{Step: s.Step, Status: s.Status, Detail: s.Detail})
	}
	dir := evidence.BuildDir(p.config.EvidenceDir, p.config.PackerBuildName)
	if err := evidence.WriteFinalize(dir, res, evidence.FinalizeFiles{Script: script, CycloneDX: cdx, SPDX: spdx, Manifest: encoded}); err != nil {
		return fmt.Errorf("write finalize evidence: %w", err)
	}
	p.report(ui, res, dir)
	if !res.Secrets.Passed {
		var list []string
		for _, f := range res.Secrets.Findings {
			if !f.Allowed {
				list = append(list, f.Path+" ("+f.Rule+")")
			}
		}
		return fmt.Errorf("leftover secrets in the image: %s; remove them in an earlier provisioner, or accept each with an allow_secret block and a reason (fail_on_secrets = false only reports them)",
			strings.Join(list, ", "))
	}
	return nil
}

// buildKeys returns the base64 blob of the SSH public key Packer connected
// with: the temporary key a builder generated, or the public half of the
// private key or key file it used. The private key is read, never kept.
func buildKeys(data map[string]interface{}) []string {
	str := func(k string) string { s, _ := data[k].(string); return s }
	if pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(str("SSHPublicKey"))); err == nil {
		return []string{keyBlob(pub)}
	}
	if signer, err := ssh.ParsePrivateKey([]byte(str("SSHPrivateKey"))); err == nil {
		return []string{keyBlob(signer.PublicKey())}
	}
	file := str("SSHPrivateKeyFile")
	if file == "" {
		return nil
	}
	if b, err := os.ReadFile(file); err == nil {
		signer, err := ssh.ParsePrivateKey(b)
		if err == nil {
			return []string{keyBlob(signer.PublicKey())}
		}
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) && missing.PublicKey != nil {
			return []string{keyBlob(missing.PublicKey)}
		}
	}
	if b, err := os.ReadFile(file + ".pub"); err == nil {
		if pub, _, _, _, err := ssh.ParseAuthorizedKey(b); err == nil {
			return []string{keyBlob(pub)}
		}
	}
	return nil
}

// temporaryFiles are the paths a builder replaced only for the build and
// restores before capture (the hardening-rootfs builder's TemporaryFiles):
// they are not the image's, so the manifest leaves them out. They become
// find -path patterns, so pattern characters are escaped.
func temporaryFiles(data map[string]interface{}) []string {
	s, _ := data["TemporaryFiles"].(string)
	var out []string
	for _, p := range strings.Split(s, "\n") {
		if strings.HasPrefix(p, "/") && !strings.ContainsRune(p, 0) {
			out = append(out, globEscape.Replace(p))
		}
	}
	return out
}

var globEscape = strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`, "]", `\]`)

func keyBlob(k ssh.PublicKey) string { return base64.StdEncoding.EncodeToString(k.Marshal()) }

// packages parses the package database of the guest's distribution family.
func packages(c *seal.Capture, osr sbom.OS) (string, []sbom.Package, error) {
	family := " " + osr.ID + " " + strings.Join(osr.IDLike, " ") + " "
	order := []string{"dpkg", "rpm", "apk"}
	switch {
	case strings.Contains(family, " rhel ") || strings.Contains(family, " fedora ") || strings.Contains(family, " centos ") ||
		strings.Contains(family, " amzn ") || strings.Contains(family, " suse "):
		order = []string{"rpm", "dpkg", "apk"}
	case strings.Contains(family, " alpine "):
		order = []string{"apk", "dpkg", "rpm"}
	}
	for _, pm := range order {
		var pkgs []sbom.Package
		var err error
		switch pm {
		case "dpkg":
			if len(c.DpkgStatus) == 0 {
				continue
			}
			if pkgs, err = sbom.ParseDpkgStatus(bytes.NewReader(c.DpkgStatus)); err != nil {
				return "", nil, fmt.Errorf("guest /var/lib/dpkg/status: %w", err)
			}
			licenses, err := sbom.ParseCopyrightLicenses(bytes.NewReader(c.Licenses))
			if err != nil {
				return "", nil, fmt.Errorf("guest copyright files: %w", err)
			}
			for i := range pkgs {
				if len(pkgs[i].Licenses) == 0 {
					pkgs[i].Licenses = licenses[pkgs[i].Name]
				}
			}
		case "rpm":
			if len(c.RPMQuery) == 0 {
				continue
			}
			if pkgs, err = sbom.ParseRPMQuery(bytes.NewReader(c.RPMQuery)); err != nil {
				return "", nil, fmt.Errorf("guest rpm database: %w", err)
			}
		case "apk":
			if len(c.APKInstalled) == 0 {
				continue
			}
			if pkgs, err = sbom.ParseAPKInstalled(bytes.NewReader(c.APKInstalled)); err != nil {
				return "", nil, fmt.Errorf("guest /lib/apk/db/installed: %w", err)
			}
		}
		return pm, pkgs, nil
	}
	return "", nil, fmt.Errorf("the guest (%s) has no dpkg, rpm or apk package database", osr.ID)
}

// fsManifest joins the guest's listing and hashes. Files that vanished
// between the two (a running system rotating logs) are left out and
// listed; any other hashing error fails.
func fsManifest(c *seal.Capture) (*manifest.Manifest, []string, error) {
	if !c.VanishedOnly() {
		return nil, nil, fmt.Errorf("hashing the guest's files failed: %s", strings.Join(first(c.HashErrors, 5), "; "))
	}
	list, err := manifest.ParseListing(c.Listing)
	if err != nil {
		return nil, nil, fmt.Errorf("guest filesystem listing: %w", err)
	}
	hashes, err := manifest.ParseHashes(c.Hashes, c.HashZero)
	if err != nil {
		return nil, nil, fmt.Errorf("guest file hashes: %w", err)
	}
	m, vanished, err := manifest.Build(list, hashes, len(c.HashErrors) > 0)
	if err != nil {
		return nil, nil, fmt.Errorf("filesystem manifest: %w", err)
	}
	return m, vanished, nil
}

// secrets applies allow_secret to the findings.
func (p *Provisioner) secrets(findings []seal.Finding) evidence.SecretsInfo {
	info := evidence.SecretsInfo{FailOnSecrets: p.config.failOnSecr, Passed: true, Findings: []evidence.SecretFinding{}}
	for _, f := range findings {
		sf := evidence.SecretFinding{Rule: f.Rule, Path: f.Path}
		for _, a := range p.config.AllowSecret {
			if ok, _ := path.Match(a.Path, f.Path); ok {
				sf.Allowed, sf.Reason = true, a.Reason
				break
			}
		}
		if !sf.Allowed && p.config.failOnSecr {
			info.Passed = false
		}
		info.Findings = append(info.Findings, sf)
	}
	return info
}

func (p *Provisioner) report(ui packersdk.Ui, res *evidence.FinalizeResults, dir string) {
	for _, s := range res.Cleanup {
		ui.Message(fmt.Sprintf("cleanup %-13s %-14s %s", s.Step, s.Status, s.Detail))
	}
	ui.Say(fmt.Sprintf("SBOM: %d %s packages on %s (CycloneDX 1.6, SPDX 2.3)", res.SBOM.Packages, res.SBOM.PackageManager, res.OS.PrettyName))
	ui.Say(fmt.Sprintf("Filesystem manifest: %d entries (%d files, %.1f MiB), digest %s", res.Manifest.Entries, res.Manifest.Files,
		float64(res.Manifest.Bytes)/(1<<20), res.Manifest.Digest))
	ph := res.Execution.PhasesMS
	ui.Message(fmt.Sprintf("guest time %.1fs (cleanup %.1fs, secret scan %.1fs, packages %.1fs, listing %.1fs, hashing %.1fs with %d jobs), %d communicator round trips",
		ms(ph["total"]), ms(ph["cleanup"]), ms(ph["secret_scan"]), ms(ph["packages"]), ms(ph["listing"]), ms(ph["hashing"]), res.Execution.HashJobs, res.Execution.RoundTrips))
	if len(res.Secrets.Findings) == 0 {
		ui.Say("Leftover-secret scan: nothing found")
	}
	for _, f := range res.Secrets.Findings {
		switch {
		case f.Allowed:
			ui.Message(fmt.Sprintf("secret allowed: %s (%s): %s", f.Path, f.Rule, f.Reason))
		case res.Secrets.FailOnSecrets:
			ui.Error(fmt.Sprintf("leftover secret: %s (%s)", f.Path, f.Rule))
		default:
			ui.Message(fmt.Sprintf("leftover secret (fail_on_secrets = false): %s (%s)", f.Path, f.Rule))
		}
	}
	ui.Message("evidence: " + filepath.Join(dir, evidence.FinalizeResultsFile))
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func ms(v int64) float64 { return float64(v) / 1000 }

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
