package attest

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
)

// buildEvidence is what the provisioners recorded for this build and run.
// A nil part was missing or stale and allowed to be.
type buildEvidence struct {
	dir       string
	cis       *evidence.CISResults
	cisRaw    []byte // cis-results.json as written: the CIS predicate
	fin       *evidence.FinalizeResults
	cdx, spdx []byte
	warnings  []string
}

// errStale marks evidence written by another build or Packer run.
var errStale = errors.New("stale evidence")

// loadEvidence reads and checks the evidence of build in run. Missing or
// stale evidence is an error unless its kind is in allow.
func loadEvidence(root, build, run string, allow map[string]bool) (*buildEvidence, error) {
	ev := &buildEvidence{dir: evidence.BuildDir(root, build)}
	if run == "" {
		return nil, fmt.Errorf("PACKER_RUN_UUID is not set: cannot tell this run's evidence from an earlier one's")
	}
	err := ev.loadCIS(build, run)
	if err != nil {
		if !allow[EvidenceCIS] {
			return nil, fmt.Errorf("hardening evidence for build %q: %w (add \"cis\" to allow_missing_evidence_unsafe to attest without it)", build, err)
		}
		ev.cis, ev.cisRaw = nil, nil
		ev.warnings = append(ev.warnings, fmt.Sprintf("no CIS results attested: %v", err))
	}
	if err := ev.loadFinalize(build, run); err != nil {
		if !allow[EvidenceFinalize] {
			return nil, fmt.Errorf("hardening-finalize evidence for build %q: %w (add \"finalize\" to allow_missing_evidence_unsafe to attest without it)", build, err)
		}
		ev.fin, ev.cdx, ev.spdx = nil, nil, nil
		ev.warnings = append(ev.warnings, fmt.Sprintf("no SBOM or filesystem manifest attested: %v", err))
	}
	return ev, nil
}

func (ev *buildEvidence) loadCIS(build, run string) error {
	res, raw, err := evidence.ReadCIS(ev.dir)
	if err != nil {
		return missing(err, filepath.Join(ev.dir, evidence.CISResultsFile))
	}
	if err := checkStamp(res.Stamp, evidence.CISResultsFile, build, run); err != nil {
		return err
	}
	ev.cis, ev.cisRaw = res, raw
	return nil
}

func (ev *buildEvidence) loadFinalize(build, run string) error {
	res, docs, err := evidence.ReadFinalize(ev.dir)
	if err != nil {
		return missing(err, filepath.Join(ev.dir, evidence.FinalizeResultsFile))
	}
	if err := checkStamp(res.Stamp, evidence.FinalizeResultsFile, build, run); err != nil {
		return err
	}
	ev.fin, ev.cdx, ev.spdx = res, docs.CycloneDX, docs.SPDX
	return nil
}

// checkStamp refuses evidence from another build or run.
func checkStamp(s evidence.Stamp, file, build, run string) error {
	if s.BuildName != build {
		return fmt.Errorf("%w: %s was written by build %q, not %q", errStale, file, s.BuildName, build)
	}
	if s.RunUUID != run {
		return fmt.Errorf("%w: %s was written by Packer run %s, not this run %s", errStale, file, s.RunUUID, run)
	}
	return nil
}

func missing(err error, path string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s is missing: run the provisioner in this build, with the same evidence_dir", path)
	}
	return err
}
