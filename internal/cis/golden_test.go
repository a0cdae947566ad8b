package cis

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden scripts in testdata/golden")

// goldenCases are the generated scripts kept under testdata/golden: every
// profile in both modes with the defaults, and one run with every option a
// user can set, so a change to the catalogue or the generator shows up as a
// reviewable diff of what runs in the guest.
func goldenCases() map[string]Options {
	cases := map[string]Options{}
	for _, p := range Profiles {
		cases[p.Name+"-remediate"] = Options{Profile: p, Cloud: "auto"}
		cases[p.Name+"-audit"] = Options{Profile: p, Cloud: "auto", AuditOnly: true}
	}
	cases["options"] = Options{
		Profile:          Profiles[0],
		Cloud:            "aws",
		WaitForCloudInit: true,
		Include:          []string{"aide_installed"},
		Waivers:          []Waiver{{Rule: "audit_packages_installed", Reason: "central logging"}},
		Params:           map[string]string{"tmp_size": "1G", "firewall": "nftables"},
		Now:              time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	return cases
}

func TestGoldenScripts(t *testing.T) {
	cat := mustLoad(t)
	for name, opts := range goldenCases() {
		t.Run(name, func(t *testing.T) {
			plan, err := NewPlan(cat, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := Script(cat, plan)
			file := filepath.Join("testdata", "golden", name+".sh")
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/cis -run TestGoldenScripts -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the generated script differs from %s; review with -update and git diff", file)
			}
		})
	}
}
