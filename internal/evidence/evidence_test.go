package evidence

import (
	"encoding/xml"
	"fmt"
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
			{Rule: "f", CIS: "1.5.1", Level: 1, Status: cis.Fixed, Evidence: "kernel.randomize_va_space = 2", RebootRequired: true},
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
	if s.Tests != 6 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 2 {
		t.Errorf("counts: tests %d failures %d errors %d skipped %d", s.Tests, s.Failures, s.Errors, s.Skipped)
	}
	if s.Cases[2].Failure == nil || s.Cases[2].Failure.Text != "PermitRootLogin yes <&>" || s.Cases[2].Class != "cis.5.1" {
		t.Errorf("failure case: %+v", s.Cases[2])
	}
	if s.Cases[4].Skipped == nil || !strings.Contains(s.Cases[4].Skipped.Message, "managed elsewhere") {
		t.Errorf("waived case: %+v", s.Cases[4])
	}
}

// TestJUnitFixedAndStrictAttributes (issue 17, item 7): fixed and pass are
// both passing cases a reader can tell apart by their cis.status property;
// a fix that needs a reboot says so; the suite has the attributes strict
// readers require.
func TestJUnitFixedAndStrictAttributes(t *testing.T) {
	res := sample()
	res.GeneratedAt = time.Date(2026, 12, 6, 9, 30, 5, 0, time.FixedZone("CET", 3600))
	b, err := JUnit(res)
	if err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	s := got.Suites[0]
	if s.Timestamp != "2026-12-06T08:30:05" || s.Hostname == "" || s.Package != "cis.cis_level1_server" {
		t.Errorf("suite attributes: timestamp %q hostname %q package %q", s.Timestamp, s.Hostname, s.Package)
	}
	props := func(ps []junitProperty) map[string]string {
		m := map[string]string{}
		for _, p := range ps {
			m[p.Name] = p.Value
		}
		return m
	}
	if p := props(s.Properties); p["cis.profile"] != "cis_level1_server" || p["packer.run_uuid"] != "u" {
		t.Errorf("suite properties %v", p)
	}
	pass, fixed := s.Cases[0], s.Cases[1]
	for _, c := range []junitCase{pass, fixed} {
		if c.Failure != nil || c.Error != nil || c.Skipped != nil {
			t.Errorf("%s is not a passing case: %+v", c.Name, c)
		}
	}
	if p := props(pass.Properties); p["cis.status"] != "pass" || p["cis.reboot_required"] != "" {
		t.Errorf("pass case properties %v", p)
	}
	if p := props(fixed.Properties); p["cis.status"] != "fixed" || p["cis.reboot_required"] != "true" || p["cis.level"] != "1" {
		t.Errorf("fixed case properties %v", p)
	}
	if !strings.Contains(string(b), `<property name="cis.status" value="fixed"></property>`) {
		t.Errorf("no cis.status property element in\n%s", b)
	}
}

// With a boot proof, each case names its after-boot status, and a control
// that passed at build time but not after the reboot is a failure.
func TestJUnitAfterBoot(t *testing.T) {
	res := sample()
	res.Controls[0].AfterBoot = &cis.AfterBoot{Status: cis.Pass, Evidence: "running: ok"}
	res.Controls[1].AfterBoot = &cis.AfterBoot{Status: cis.Fail, Evidence: "running: net.ipv4.ip_forward = 1", Regression: true}
	b, err := JUnit(res)
	if err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	s := got.Suites[0]
	kept, regressed := s.Cases[0], s.Cases[1]
	if kept.Failure != nil || !strings.Contains(fmt.Sprint(kept.Properties), "{cis.after_boot pass}") {
		t.Errorf("a control that kept passing: %+v", kept)
	}
	if regressed.Failure == nil || regressed.Failure.Message != "fixed at build time, fail after the reboot" ||
		!strings.Contains(regressed.Failure.Text, "ip_forward = 1") || !strings.Contains(fmt.Sprint(regressed.Properties), "{cis.after_boot fail}") {
		t.Errorf("a control that regressed after the reboot: %+v", regressed)
	}
	if s.Failures < 1 {
		t.Errorf("suite failures %d", s.Failures)
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
	if got.Script.SHA256 != "a8076d3d28d21e02012b20eaf7dbf75409a6277134439025f282e368e3305abf" || got.Script.Bytes != 10 || len(got.Controls) != 6 {
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
