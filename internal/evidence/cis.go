package evidence

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
)

// File names in a build's evidence directory.
const (
	CISResultsFile = "cis-results.json"
	CISJUnitFile   = "cis-results.junit.xml"
	CISScriptFile  = "cis-hardening.sh"
	// CISBootScriptFile is the after-boot audit's script (reboot_and_audit).
	CISBootScriptFile = "cis-boot-audit.sh"
)

// CISResultsSchema is the schema URI (and version) of cis-results.json.
const CISResultsSchema = "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/schemas/cis-results-v1.json"

// CISResults is cis-results.json: what the hardening provisioner did.
type CISResults struct {
	Stamp
	Profile   string        `json:"profile"`
	Benchmark BenchmarkInfo `json:"benchmark"`
	OS        string        `json:"os"`
	// Mode is remediate or audit.
	Mode   string `json:"mode"`
	Chroot bool   `json:"chroot"`
	Cloud  string `json:"cloud"`
	// BootID is the guest kernel's boot ID during hardening (empty in a
	// chroot).
	BootID string `json:"boot_id,omitempty"`
	// Parameters are the values the user set (the rest are defaults,
	// documented per catalogue version).
	Parameters     map[string]string `json:"parameters,omitempty"`
	Include        []string          `json:"include,omitempty"`
	Waivers        []cis.Waiver      `json:"waivers,omitempty"`
	ExpiredWaivers []cis.Waiver      `json:"expired_waivers,omitempty"`
	Script         ScriptInfo        `json:"script"`
	Execution      Execution         `json:"execution"`
	Summary        Summary           `json:"summary"`
	Controls       []cis.Result      `json:"controls"`
	// BootProof is set when the guest was rebooted after hardening and
	// audited again on the running system (reboot_and_audit); each control
	// then has its after_boot result.
	BootProof *BootProof `json:"boot_proof,omitempty"`
}

// BootProof says that, and how, the hardened guest was rebooted and audited
// again.
type BootProof struct {
	// HardenedBootID is the boot the hardening ran in, RebootedFrom the
	// boot the reboot was issued from (the same unless the guest rebooted
	// in between), BootID the boot the after-boot audit ran in: it differs
	// from RebootedFrom.
	HardenedBootID string    `json:"hardened_boot_id,omitempty"`
	RebootedFrom   string    `json:"rebooted_from"`
	BootID         string    `json:"boot_id"`
	RebootMS       int64     `json:"reboot_ms"`
	AuditedAt      time.Time `json:"audited_at"`
	GuestMS        int64     `json:"guest_ms"`
	// Script is the after-boot audit's script, saved beside the results.
	Script ScriptInfo         `json:"script"`
	Counts map[cis.Status]int `json:"counts"`
	// Regressions lists the controls that passed or were fixed at build
	// time and do not pass after the boot.
	Regressions []string `json:"regressions,omitempty"`
	// Passed: no regression among the controls fail_on covers.
	Passed bool `json:"passed"`
}

// BenchmarkInfo names the benchmark the section numbers come from.
type BenchmarkInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version string `json:"version"`
}

// ScriptInfo identifies the script that ran; it is saved beside the results.
type ScriptInfo struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// Execution says how the script ran.
type Execution struct {
	GuestMS    int64         `json:"guest_ms"`
	RoundTrips int           `json:"communicator_round_trips"`
	WallMS     int64         `json:"wall_ms"`
	Packages   *cis.Packages `json:"packages,omitempty"`
}

// Summary counts results and says whether the run met fail_on.
type Summary struct {
	Counts map[cis.Status]int `json:"counts"`
	// Score is (pass+fixed)/(pass+fixed+fail+error) in percent.
	Score  float64 `json:"score"`
	FailOn string  `json:"fail_on"`
	// Failing lists the rules that fail the build under FailOn.
	Failing []string `json:"failing,omitempty"`
	Passed  bool     `json:"passed"`
}

// WriteCIS writes the script, the JUnit report and, last, cis-results.json
// into dir.
func WriteCIS(dir string, res *CISResults, script []byte) error {
	sum, err := WriteFile(dir, CISScriptFile, script, 0o644)
	if err != nil {
		return err
	}
	res.Script = ScriptInfo{File: CISScriptFile, SHA256: sum, Bytes: len(script)}
	return RewriteCIS(dir, res)
}

// RewriteCIS writes the JUnit report and, last, cis-results.json of res,
// whose scripts are already in dir (again after the after-boot audit).
func RewriteCIS(dir string, res *CISResults) error {
	junit, err := JUnit(res)
	if err != nil {
		return err
	}
	if _, err := WriteFile(dir, CISJUnitFile, junit, 0o644); err != nil {
		return err
	}
	_, err = WriteJSON(dir, CISResultsFile, res)
	return err
}

// ReadCIS reads dir's cis-results.json, checks its schema and that the
// script it names is there with the recorded digest. It also returns the
// document's bytes as read.
func ReadCIS(dir string) (*CISResults, []byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, CISResultsFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read CIS results: %w", err)
	}
	var res CISResults
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", CISResultsFile, err)
	}
	if res.Schema != CISResultsSchema {
		return nil, nil, fmt.Errorf("%s: schema %q, want %q", CISResultsFile, res.Schema, CISResultsSchema)
	}
	if _, err := readChecked(dir, CISResultsFile, FileRef{File: res.Script.File, SHA256: res.Script.SHA256}); err != nil {
		return nil, nil, err
	}
	if p := res.BootProof; p != nil {
		if _, err := readChecked(dir, CISResultsFile, FileRef{File: p.Script.File, SHA256: p.Script.SHA256}); err != nil {
			return nil, nil, err
		}
	}
	return &res, b, nil
}
