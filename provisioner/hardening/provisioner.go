package hardening

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
	"github.com/imagesmith/packer-plugin-hardening/version"
)

// Provisioner audits and remediates the guest against a CIS profile with one
// generated script, and writes per-control evidence.
type Provisioner struct {
	config Config
	plan   *cis.Plan
}

var _ packersdk.Provisioner = (*Provisioner)(nil)

func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return p.config.FlatMapstructure().HCL2Spec() }

func (p *Provisioner) Prepare(raws ...interface{}) error {
	plan, err := p.config.Prepare(time.Now().UTC(), raws...)
	if err != nil {
		return err
	}
	p.plan = plan
	return nil
}

func (p *Provisioner) Provision(ctx context.Context, ui packersdk.Ui, comm packersdk.Communicator, _ map[string]interface{}) error {
	cat, err := cis.Load()
	if err != nil {
		return err
	}
	var renderErr error
	runner := p.config.ExecConfig.Runner(comm, &p.config.ctx, cis.MaxOutputBytes, func(l string) { ui.Message(l) }, &renderErr)
	dir := evidence.BuildDir(p.config.EvidenceDir, p.config.PackerBuildName)
	if p.config.BootAuditOnly {
		res, _, err := evidence.ReadCIS(dir)
		if err != nil {
			return fmt.Errorf("boot_audit_only: the results of an earlier hardening provisioner of this build: %w", err)
		}
		if err := p.sameRun(res); err != nil {
			return err
		}
		return p.proveAtBoot(ctx, ui, comm, cat, runner, &renderErr, dir, res)
	}
	for _, w := range p.plan.Expired {
		ui.Say(fmt.Sprintf("The waiver for %s expired on %s: the control is enforced again.", w.Rule, w.Expires.Format("2006-01-02")))
	}
	script := cis.Script(cat, p.plan)
	mode := "Auditing and remediating"
	if p.config.AuditOnly {
		mode = "Auditing"
	}
	ui.Say(fmt.Sprintf("%s the guest against %s (one script, %d bytes)...", mode, p.config.Profile, len(script)))
	start := time.Now()
	run, out, err := p.runScript(ctx, runner, &renderErr, script, "packer-hardening-")
	if err != nil {
		return err
	}
	res := p.results(cat, run, out, time.Since(start))
	reboot, why := p.rebootWanted(run)
	if err := evidence.WriteCIS(dir, res, script); err != nil {
		return fmt.Errorf("write hardening evidence: %w", err)
	}
	p.report(ui, res, run, filepath.Join(dir, evidence.CISResultsFile))
	if !res.Summary.Passed {
		return fmt.Errorf("%d controls still fail after hardening (fail_on = %q): %s; fix them, or waive each with a skip block and a reason",
			len(res.Summary.Failing), p.config.FailOn, listSome(res.Summary.Failing, 15))
	}
	if !reboot {
		if why != "" {
			ui.Message(why)
		}
		return nil
	}
	return p.proveAtBoot(ctx, ui, comm, cat, runner, &renderErr, dir, res)
}

// runScript runs one generated script and parses its results.
func (p *Provisioner) runScript(ctx context.Context, runner *guest.Runner, renderErr *error, script []byte, prefix string) (*cis.Run, *guest.Outcome, error) {
	out, runErr := runner.Run(ctx, guest.Script{Name: guest.ScriptName(prefix), Body: script})
	if *renderErr != nil {
		return nil, nil, fmt.Errorf("execute_command: %w", *renderErr)
	}
	if runErr != nil {
		return nil, nil, guest.ExplainRunError(runErr, out, "hardening")
	}
	run, err := cis.Parse(bytes.NewReader(out.Results), p.plan)
	if err != nil {
		if errors.Is(err, cis.ErrIncomplete) && out.ExitStatus != 0 {
			return nil, nil, fmt.Errorf("%w (script exit status %d; stderr: %s)", err, out.ExitStatus, out.Stderr)
		}
		return nil, nil, err
	}
	return run, out, nil
}

// rebootWanted decides reboot_and_audit for a run: on by default on a
// booted guest that was remediated; a chroot cannot reboot. why says why
// not, when the user may wonder.
func (p *Provisioner) rebootWanted(run *cis.Run) (bool, string) {
	set := p.config.RebootAndAudit
	switch {
	case set != nil && !*set:
		return false, "reboot_and_audit = false: the controls that take effect at boot were checked in the image's files only"
	case p.config.AuditOnly:
		return false, ""
	case run.Chroot:
		return false, "not rebooted (a chroot): the controls that take effect at boot were checked in the image's files; boot the image to prove them (see reboot_and_audit)"
	}
	return true, ""
}

// sameRun checks that a boot_audit_only provisioner audits what the
// earlier run hardened.
func (p *Provisioner) sameRun(res *evidence.CISResults) error {
	var diffs []string
	if res.Profile != p.config.Profile {
		diffs = append(diffs, fmt.Sprintf("profile %q (earlier run: %q)", p.config.Profile, res.Profile))
	}
	if !maps.Equal(res.Parameters, p.plan.Params) {
		diffs = append(diffs, "parameters differ from the earlier run's")
	}
	if !slices.Equal(res.Include, p.config.Include) {
		diffs = append(diffs, fmt.Sprintf("include %v (earlier run: %v)", p.config.Include, res.Include))
	}
	if res.Mode != "remediate" && res.Mode != "audit" {
		diffs = append(diffs, fmt.Sprintf("the earlier run's mode is %q", res.Mode))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("boot_audit_only: set the same profile, parameters and include as the hardening provisioner it proves: %s", strings.Join(diffs, "; "))
	}
	return nil
}

// proveAtBoot reboots the guest, audits it on the running system, adds the
// after-boot results to res and rewrites the evidence. It fails, naming
// them, when controls that passed or were fixed do not pass after the boot.
func (p *Provisioner) proveAtBoot(ctx context.Context, ui packersdk.Ui, comm packersdk.Communicator, cat *cis.Catalogue, runner *guest.Runner, renderErr *error, dir string, res *evidence.CISResults) error {
	before, after, took, err := p.reboot(ctx, ui, comm, runner, renderErr)
	if err != nil {
		return err
	}
	ui.Say(fmt.Sprintf("The guest is back after %.0fs (boot %s, was %s); auditing the running system...", took.Seconds(), after, before))
	script := cis.BootAuditScript(cat, p.plan)
	run, _, err := p.runScript(ctx, runner, renderErr, script, "packer-hardening-boot-")
	if err != nil {
		return fmt.Errorf("after-boot audit: %w", err)
	}
	if run.BootID != after {
		return fmt.Errorf("after-boot audit: it ran in boot %q, not in the boot the guest came back with (%q): the guest rebooted again", run.BootID, after)
	}
	regressions := cis.AddAfterBoot(res.Controls, run.Results, res.Summary.FailOn)
	sum, err := evidence.WriteFile(dir, evidence.CISBootScriptFile, script, 0o644)
	if err != nil {
		return fmt.Errorf("write hardening evidence: %w", err)
	}
	proof := &evidence.BootProof{
		HardenedBootID: res.BootID,
		RebootedFrom:   before,
		BootID:         after,
		RebootMS:       took.Milliseconds(),
		AuditedAt:      time.Now().UTC(),
		GuestMS:        run.GuestMS,
		Script:         evidence.ScriptInfo{File: evidence.CISBootScriptFile, SHA256: sum, Bytes: len(script)},
		Counts:         map[cis.Status]int{},
		Passed:         len(regressions) == 0,
	}
	for _, c := range res.Controls {
		proof.Counts[c.AfterBoot.Status]++
		if c.AfterBoot.Regression {
			proof.Regressions = append(proof.Regressions, c.Rule)
		}
	}
	res.BootProof = proof
	if err := evidence.RewriteCIS(dir, res); err != nil {
		return fmt.Errorf("write hardening evidence: %w", err)
	}
	var counts []string
	for _, s := range cis.Statuses {
		if n := proof.Counts[s]; n > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", s, n))
		}
	}
	ui.Message(fmt.Sprintf("after the boot: %s; %d controls regressed", strings.Join(counts, " | "), len(proof.Regressions)))
	if len(regressions) == 0 {
		ui.Say(fmt.Sprintf("Proven at boot: every control that passed or was fixed passes on the running system (boot %s).", after))
		return nil
	}
	var lines []string
	for _, r := range regressions {
		lines = append(lines, fmt.Sprintf("%s %s (L%d, %s at build time): %s", r.CIS, r.Rule, r.Level, r.Status, firstLine(lastLines(r.AfterBoot.Evidence))))
	}
	sort.Strings(lines)
	for _, l := range lines {
		ui.Error("  " + l)
	}
	return fmt.Errorf("%d controls that passed or were fixed do not pass after the reboot (fail_on = %q): %s; the evidence has each one's after-boot observation",
		len(regressions), res.Summary.FailOn, listSome(ruleNames(regressions), 15))
}

func ruleNames(rs []cis.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Rule
	}
	return out
}

// lastLines is the part of an after-boot observation that says what the
// running system showed: the runtime check's lines when there are any.
func lastLines(ev string) string {
	if i := strings.Index(ev, "running"); i >= 0 {
		return ev[i:]
	}
	return ev
}

func (p *Provisioner) results(cat *cis.Catalogue, run *cis.Run, out *guest.Outcome, wall time.Duration) *evidence.CISResults {
	info, _ := cat.Benchmark(run.Benchmark)
	res := &evidence.CISResults{
		Stamp: evidence.Stamp{
			Schema:      evidence.CISResultsSchema,
			BuildName:   p.config.PackerBuildName,
			BuilderType: p.config.PackerBuilderType,
			RunUUID:     os.Getenv("PACKER_RUN_UUID"),
			GeneratedAt: time.Now().UTC(),
			Generator:   evidence.Generator{Name: "packer-plugin-hardening", Version: version.PluginVersion.FormattedVersion()},
		},
		Profile:        p.config.Profile,
		Benchmark:      evidence.BenchmarkInfo{ID: string(run.Benchmark), Title: info.Title, Version: info.Version},
		OS:             run.OS,
		Mode:           run.Mode,
		BootID:         run.BootID,
		Chroot:         run.Chroot,
		Cloud:          run.Cloud,
		Parameters:     p.plan.Params,
		Include:        p.config.Include,
		Waivers:        p.plan.Waivers,
		ExpiredWaivers: p.plan.Expired,
		Execution:      evidence.Execution{GuestMS: run.GuestMS, RoundTrips: out.RoundTrips, WallMS: wall.Milliseconds(), Packages: run.Packages},
		Controls:       run.Results,
	}
	failing := run.Failing(p.config.FailOn)
	res.Summary = evidence.Summary{Counts: run.Counts(), Score: run.Score(), FailOn: p.config.FailOn, Passed: len(failing) == 0}
	for _, f := range failing {
		res.Summary.Failing = append(res.Summary.Failing, f.Rule)
	}
	return res
}

// report prints the summary table.
func (p *Provisioner) report(ui packersdk.Ui, res *evidence.CISResults, run *cis.Run, path string) {
	var counts []string
	for _, s := range cis.Statuses {
		counts = append(counts, fmt.Sprintf("%s %d", s, res.Summary.Counts[s]))
	}
	reboot := 0
	for _, r := range run.Results {
		if r.RebootRequired {
			reboot++
		}
	}
	pkgs := "no packages"
	if run.Packages != nil {
		pkgs = packagesLine(run.Packages)
	}
	ui.Say(fmt.Sprintf("%s on %s (%s v%s): %d controls", p.config.Profile, run.OS, res.Benchmark.Title, res.Benchmark.Version, len(run.Results)))
	ui.Message(strings.Join(counts, " | "))
	ui.Message(fmt.Sprintf("score %.1f%% (pass+fixed of pass, fixed, fail, error); %d fixes take effect at next boot", res.Summary.Score, reboot))
	ui.Message(fmt.Sprintf("guest time %.1fs, %s, %d communicator round trips", float64(run.GuestMS)/1000, pkgs, res.Execution.RoundTrips))
	if len(res.Summary.Failing) > 0 {
		var lines []string
		for _, r := range run.Results {
			if r.Status == cis.Fail || r.Status == cis.Error {
				lines = append(lines, fmt.Sprintf("%s %s (L%d, %s): %s", r.CIS, r.Rule, r.Level, r.Status, firstLine(r.Evidence)))
			}
		}
		sort.Strings(lines)
		for _, l := range lines {
			ui.Error("  " + l)
		}
	}
	ui.Message("evidence: " + path)
}

func listSome(s []string, n int) string {
	if len(s) > n {
		return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
	}
	return strings.Join(s, ", ")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// packagesLine sums up the package step: its time and how it split.
func packagesLine(pk *cis.Packages) string {
	sec := func(ms int64) string { return fmt.Sprintf("%.1fs", float64(ms)/1000) }
	lists := "lists " + pk.Lists
	if pk.Lists == "updated" {
		lists = "lists updated " + sec(pk.UpdateMS)
	}
	fetch := fmt.Sprintf("%s, download %s", lists, sec(pk.DownloadMS))
	if pk.Prefetched {
		fetch += ", during the audit"
	}
	parts := []string{}
	if len(pk.Installed) > 0 {
		parts = append(parts, fetch, "install "+sec(pk.InstallMS))
	}
	if len(pk.Removed) > 0 {
		parts = append(parts, "purge "+sec(pk.RemoveMS))
	}
	return fmt.Sprintf("packages %s (installed %d, removed %d: %s)", sec(pk.DurationMS), len(pk.Installed), len(pk.Removed), strings.Join(parts, "; "))
}
