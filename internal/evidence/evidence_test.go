package evidence

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
)

func sample() *CISResults {
	return &CISResults{
		Stamp:     Stamp{Schema: CISResultsSchema, BuildName: "b", RunUUID: "u", GeneratedAt: time.Unix(0, 0).UTC()},
		Profile:   "cis_level1_server",
		Benchmark: BenchmarkInfo{ID: "debian12"},
		Controls: []cis.Result{
			{Rule: "a", CIS: "1.1.1", Level: 1, Status: cis.Pass, Evidence: "ok"},
			{Rule: "b", CIS: "5.1.20", Level: 1, Status: cis.Fail, Evidence: "PermitRootLogin yes <&>"},
			{Rule: "c", CIS: "5.1.21", Level: 1, Status: cis.Error, Action: "exit 2"},
			{Rule: "d", CIS: "6.1", Level: 2, Status: cis.Waived, Observed: cis.Fail, Waiver: &cis.Waiver{Rule: "d", Reason: "managed elsewhere"}},
			{Rule: "e", CIS: "1.1.2.2.1", Level: 1, Status: cis.Manual, Evidence: "add a volume"},
		},
	}
}

func TestJUnitCountsAndEscapes(t *testing.T) {
	b, err := JUnit(sample())
	if err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, b)
	}
	s := got.Suites[0]
	if s.Tests != 5 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 2 {
		t.Errorf("counts: tests %d failures %d errors %d skipped %d", s.Tests, s.Failures, s.Errors, s.Skipped)
	}
	if s.Cases[1].Failure == nil || s.Cases[1].Failure.Text != "PermitRootLogin yes <&>" || s.Cases[1].Class != "cis.5.1" {
		t.Errorf("failure case: %+v", s.Cases[1])
	}
	if s.Cases[3].Skipped == nil || !strings.Contains(s.Cases[3].Skipped.Message, "managed elsewhere") {
		t.Errorf("waived case: %+v", s.Cases[3])
	}
}

func TestWriteAndReadCIS(t *testing.T) {
	dir := BuildDir(t.TempDir(), "amazon-ebs/ubuntu..x")
	if filepath.Base(dir) != "amazon-ebs_ubuntu..x" {
		t.Errorf("build dir %s", dir)
	}
	res := sample()
	if err := WriteCIS(dir, res, []byte("#!/bin/sh\n")); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadCIS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Script.SHA256 != "a8076d3d28d21e02012b20eaf7dbf75409a6277134439025f282e368e3305abf" || got.Script.Bytes != 10 || len(got.Controls) != 5 {
		t.Errorf("round trip: %+v", got.Script)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "partial") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, CISResultsFile))
	if err := os.WriteFile(filepath.Join(dir, CISResultsFile), []byte(strings.Replace(string(b), "cis-results-v1", "cis-results-v0", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCIS(dir); err == nil || !strings.Contains(err.Error(), "schema") {
		t.Errorf("a file of another schema was accepted: %v", err)
	}
}
