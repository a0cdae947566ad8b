package hardening

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	for _, w := range p.plan.Expired {
		ui.Say(fmt.Sprintf("The waiver for %s expired on %s: the control is enforced again.", w.Rule, w.Expires.Format("2006-01-02")))
	}
	script := cis.Script(cat, p.plan)
	var renderErr error
	runner := p.config.ExecConfig.Runner(comm, &p.config.ctx, cis.MaxOutputBytes, func(l string) { ui.Message(l) }, &renderErr)
	mode := "Auditing and remediating"
	if p.config.AuditOnly {
		mode = "Auditing"
	}
	ui.Say(fmt.Sprintf("%s the guest against %s (one script, %d bytes)...", mode, p.config.Profile, len(script)))
	start := time.Now()
	out, runErr := runner.Run(ctx, guest.Script{Name: guest.ScriptName("packer-hardening-"), Body: script})
	if renderErr != nil {
		return fmt.Errorf("execute_command: %w", renderErr)
	}
	if runErr != nil {
		return guest.ExplainRunError(runErr, out, "hardening")
	}
	run, err := cis.Parse(bytes.NewReader(out.Results), p.plan)
	if err != nil {
		if errors.Is(err, cis.ErrIncomplete) && out.ExitStatus != 0 {
			return fmt.Errorf("%w (script exit status %d; stderr: %s)", err, out.ExitStatus, out.Stderr)
		}
		return err
	}
	res := p.results(cat, run, out, time.Since(start))
	dir := evidence.BuildDir(p.config.EvidenceDir, p.config.PackerBuildName)
	if err := evidence.WriteCIS(dir, res, script); err != nil {
		return fmt.Errorf("write hardening evidence: %w", err)
	}
	p.report(ui, res, run, filepath.Join(dir, evidence.CISResultsFile))
	if !res.Summary.Passed {
		return fmt.Errorf("%d controls still fail after hardening (fail_on = %q): %s; fix them, or waive each with a skip block and a reason",
			len(res.Summary.Failing), p.config.FailOn, listSome(res.Summary.Failing, 15))
	}
	return nil
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
		pkgs = fmt.Sprintf("packages %.1fs (installed %d, removed %d)", float64(run.Packages.DurationMS)/1000, len(run.Packages.Installed), len(run.Packages.Removed))
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
