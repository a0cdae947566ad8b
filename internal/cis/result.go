package cis

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Status is a control's result.
type Status string

const (
	Pass          Status = "pass"
	Fixed         Status = "fixed"
	Fail          Status = "fail"
	Waived        Status = "waived"
	Manual        Status = "manual"
	NotApplicable Status = "not-applicable"
	Error         Status = "error"
)

// Statuses lists every status in report order.
var Statuses = []Status{Pass, Fixed, Fail, Waived, Manual, NotApplicable, Error}

// Result is one control's outcome.
type Result struct {
	Rule     string `json:"rule"`
	CIS      string `json:"cis_id"`
	Level    int    `json:"level"`
	Included bool   `json:"included,omitempty"`
	Title    string `json:"title"`
	// Before is the audit's result before any remediation.
	Before Status `json:"status_before"`
	Status Status `json:"status"`
	// Observed is a waived control's real result.
	Observed       Status  `json:"observed,omitempty"`
	Waiver         *Waiver `json:"waiver,omitempty"`
	EvidenceBefore string  `json:"evidence_before,omitempty"`
	Evidence       string  `json:"evidence"`
	Action         string  `json:"action,omitempty"`
	RebootRequired bool    `json:"reboot_required,omitempty"`
	DurationMS     int64   `json:"duration_ms"`
	// AfterBoot is the after-boot audit's result (reboot_and_audit).
	AfterBoot *AfterBoot `json:"after_boot,omitempty"`
}

// Packages is the batched package step of a remediation run. DurationMS is
// the step's own time after the audit; the parts are timed apart, and the
// update and download ran during the audit when Prefetched.
type Packages struct {
	Installed  []string `json:"installed,omitempty"`
	Removed    []string `json:"removed,omitempty"`
	ExitCode   int      `json:"exit_code"`
	DurationMS int64    `json:"duration_ms"`
	// Lists is "fresh" (used as they were) or "updated"; empty when only
	// purging.
	Lists      string `json:"lists,omitempty"`
	Prefetched bool   `json:"prefetched,omitempty"`
	UpdateMS   int64  `json:"update_ms"`
	DownloadMS int64  `json:"download_ms"`
	InstallMS  int64  `json:"install_ms"`
	RemoveMS   int64  `json:"remove_ms"`
	Log        string `json:"log,omitempty"`
}

// Run is everything one script run reported.
type Run struct {
	Benchmark Benchmark `json:"benchmark"`
	OS        string    `json:"os"`
	Chroot    bool      `json:"chroot"`
	Cloud     string    `json:"cloud"`
	Mode      string    `json:"mode"`
	// BootID is the guest kernel's boot ID (empty in a chroot).
	BootID   string    `json:"boot_id,omitempty"`
	GuestMS  int64     `json:"guest_ms"`
	Packages *Packages `json:"packages,omitempty"`
	Results  []Result  `json:"results"`
}

// Output limits: the guest is not trusted to keep its output small.
const (
	MaxOutputBytes = 32 << 20
	maxLineBytes   = 64 << 10
)

// ErrIncomplete means the script stopped before reporting every control.
var ErrIncomplete = errors.New("hardening script output is incomplete")

// ErrUnsupported means the guest's distribution has no benchmark here.
var ErrUnsupported = errors.New("unsupported guest")

type line struct {
	T        string `json:"t"`
	Bench    string `json:"bench"`
	OS       string `json:"os"`
	Chroot   int    `json:"chroot"`
	Cloud    string `json:"cloud"`
	Mode     string `json:"mode"`
	BootID   string `json:"boot_id"`
	Reason   string `json:"reason"`
	Rule     string `json:"rule"`
	Before   *int   `json:"before"`
	After    *int   `json:"after"`
	Fix      int    `json:"fix"`
	MS       int64  `json:"ms"`
	EvBefore string `json:"evidence_before"`
	Evidence string `json:"evidence"`
	Action   string `json:"action"`
	Install  string `json:"install"`
	Remove   string `json:"remove"`
	RC       int    `json:"rc"`
	Log      string `json:"log"`
	// The package step's parts.
	Lists      string `json:"lists"`
	Prefetched bool   `json:"prefetched"`
	UpdateMS   int64  `json:"update_ms"`
	DownloadMS int64  `json:"download_ms"`
	InstallMS  int64  `json:"install_ms"`
	RemoveMS   int64  `json:"remove_ms"`
}

// checkStatus maps a check's exit code.
func checkStatus(rc int) Status {
	switch rc {
	case 0:
		return Pass
	case 1:
		return Fail
	case 2:
		return NotApplicable
	case 3:
		return Manual
	}
	return Error
}

// Parse reads the script's JSON lines (at most MaxOutputBytes) and returns
// the result of every control plan selected for the guest's benchmark,
// manual ones included. Output that misses a control or the final line is
// ErrIncomplete: nothing half-written is reported as complete.
func Parse(r io.Reader, plan *Plan) (*Run, error) {
	sc := bufio.NewScanner(io.LimitReader(r, MaxOutputBytes+1))
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	run := &Run{}
	var (
		read    int64
		started bool
		done    bool
		byRule  = map[string]line{}
	)
	for sc.Scan() {
		read += int64(len(sc.Bytes())) + 1
		if read > MaxOutputBytes {
			return nil, fmt.Errorf("hardening script output exceeds %d bytes", MaxOutputBytes)
		}
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("hardening script output line %q: %w", truncate(sc.Text(), 120), err)
		}
		switch l.T {
		case "fatal":
			return nil, fmt.Errorf("%w: %s", ErrUnsupported, l.Reason)
		case "start":
			started = true
			run.Benchmark, run.OS, run.Chroot, run.Cloud, run.Mode, run.BootID = Benchmark(l.Bench), l.OS, l.Chroot == 1, l.Cloud, l.Mode, l.BootID
			if _, ok := plan.Controls[run.Benchmark]; !ok {
				return nil, fmt.Errorf("hardening script reported benchmark %q, which the plan does not have", l.Bench)
			}
		case "packages":
			if l.Lists != "" && l.Lists != "fresh" && l.Lists != "updated" {
				return nil, fmt.Errorf("hardening script output: package lists %q, want fresh or updated", truncate(l.Lists, 40))
			}
			run.Packages = &Packages{Installed: strings.Fields(l.Install), Removed: strings.Fields(l.Remove), ExitCode: l.RC, DurationMS: l.MS, Log: l.Log,
				Lists: l.Lists, Prefetched: l.Prefetched, UpdateMS: l.UpdateMS, DownloadMS: l.DownloadMS, InstallMS: l.InstallMS, RemoveMS: l.RemoveMS}
		case "control":
			if !started {
				return nil, fmt.Errorf("hardening script output: control %q before the start line", l.Rule)
			}
			if l.Before == nil || l.After == nil {
				return nil, fmt.Errorf("hardening script output: control %q without its check results", l.Rule)
			}
			if _, dup := byRule[l.Rule]; dup {
				return nil, fmt.Errorf("hardening script output: control %q reported twice", l.Rule)
			}
			byRule[l.Rule] = l
		case "done":
			done = true
			run.GuestMS = l.MS
		default:
			return nil, fmt.Errorf("hardening script output: unknown line type %q", l.T)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read hardening script output: %w", err)
	}
	if !started {
		return nil, fmt.Errorf("%w: the script did not start", ErrIncomplete)
	}
	var missing []string
	for _, p := range plan.Controls[run.Benchmark] {
		c := p.Control
		res := Result{Rule: c.Rule, CIS: p.Ref.ID, Level: p.Level, Included: p.Included, Title: c.Title, Waiver: p.Waiver}
		if !c.Automated() {
			res.Before, res.Status, res.Evidence = Manual, Manual, c.Manual
			if p.Waiver != nil {
				res.Status, res.Observed = Waived, Manual
			}
			run.Results = append(run.Results, res)
			continue
		}
		l, ok := byRule[c.Rule]
		if !ok {
			missing = append(missing, c.Rule)
			continue
		}
		delete(byRule, c.Rule)
		res.Before, res.Status = checkStatus(*l.Before), checkStatus(*l.After)
		res.EvidenceBefore, res.Evidence, res.Action, res.DurationMS = l.EvBefore, l.Evidence, l.Action, l.MS
		if res.Status == Error {
			res.Evidence = fmt.Sprintf("check exited with status %d\n%s", *l.After, res.Evidence)
		}
		switch {
		case p.Waiver != nil:
			res.Observed, res.Status = res.Status, Waived
		case l.Fix > 0 && res.Status != Pass:
			res.Status = Error
			res.Action = fmt.Sprintf("remediation exited with status %d\n%s", l.Fix, res.Action)
		case res.Before == Fail && res.Status == Pass && l.Fix >= 0:
			res.Status = Fixed
			res.RebootRequired = c.Reboot
		}
		if res.Before == res.Status && res.Evidence == res.EvidenceBefore {
			res.EvidenceBefore = ""
		}
		run.Results = append(run.Results, res)
	}
	if len(byRule) > 0 {
		for r := range byRule {
			return nil, fmt.Errorf("hardening script output: control %q was not planned for %s", r, run.Benchmark)
		}
	}
	if len(missing) > 0 || !done {
		return nil, fmt.Errorf("%w: %d controls without a result (first: %s), finished: %v", ErrIncomplete, len(missing), first(missing), done)
	}
	return run, nil
}

func first(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// Counts returns the number of results per status.
func (r *Run) Counts() map[Status]int {
	n := map[Status]int{}
	for _, res := range r.Results {
		n[res.Status]++
	}
	return n
}

// Score is the share of scored controls that comply after the run, in
// percent: (pass + fixed) / (pass + fixed + fail + error). Waived, manual
// and not-applicable controls are not scored.
func (r *Run) Score() float64 {
	n := r.Counts()
	ok := n[Pass] + n[Fixed]
	total := ok + n[Fail] + n[Error]
	if total == 0 {
		return 100
	}
	return 100 * float64(ok) / float64(total)
}

// FailOn values: which still-failing controls fail the build.
const (
	FailOnLevel1  = "level1"  // Level 1 controls of the profile (default)
	FailOnProfile = "profile" // every control of the profile and the includes
	FailOnNone    = "none"    // report only
)

// Failing returns the results that fail the build under failOn: status fail
// or error, and in scope.
func (r *Run) Failing(failOn string) []Result {
	var out []Result
	for _, res := range r.Results {
		if (res.Status == Fail || res.Status == Error) && inScope(res, failOn) {
			out = append(out, res)
		}
	}
	return out
}
