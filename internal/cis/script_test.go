package cis

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The benchmarks of the test catalogue, named in the tests.
const (
	Debian12   Benchmark = "debian12"
	Ubuntu2204 Benchmark = "ubuntu2204"
	Ubuntu2404 Benchmark = "ubuntu2404"
)

// testRule is one rule of the test catalogue.
type testRule struct {
	rule, title, levels, check, fix, when, manual, runtime string
	reboot                                                 bool
}

// testCatalogue is a small catalogue, laid out like the real one, whose
// controls only touch files in $T, so the generated script can run on the
// test machine itself. Every benchmark maps rule i to section 1.<i+1>.
func testCatalogue() (*Catalogue, error) {
	rules := []testRule{
		{rule: "t_fixable", title: "a file holds the value", levels: "s1w1",
			check: `v=$(cat "$T/value" 2>/dev/null); h_say "value=${v:-none}"; [ "$v" = "$P_t_value" ]`,
			fix:   `echo "$P_t_value" >"$T/value"`, reboot: true,
			runtime: `r=$(cat "$T/running" 2>/dev/null); h_say "running=${r:-none}"; [ "$r" = "$P_t_value" ]`},
		{rule: "t_passing", title: "always passes", levels: "s1w1", check: `h_say "it's \"fine\" \\ ok"; return 0`},
		{rule: "t_unfixable", title: "fails, no fix", levels: "s1w1", check: `h_say nope; return 1`},
		{rule: "t_broken_fix", title: "fix fails", levels: "s1w1", check: `[ -f "$T/never" ]`, fix: `false; touch "$T/never"`},
		{rule: "t_error", title: "check errors", levels: "s1w1", check: `no_such_command_here`},
		{rule: "t_alternative", title: "alternative b", levels: "s1w1", when: `[ "$P_t_alt" = b ]`, check: `return 1`},
		{rule: "t_manual", title: "needs a human", levels: "s1w1", manual: "decide the disk layout"},
		{rule: "t_waived", title: "waived", levels: "s1w1", check: `[ -f "$T/waived" ]`, fix: `touch "$T/waived"`},
		{rule: "t_level2", title: "level 2 only", levels: "s2w2", check: `[ -f "$T/l2" ]`, fix: `touch "$T/l2"`},
		{rule: "t_tabs", title: "evidence with control characters", levels: "s1w1", check: `printf 'a\tb\001c\r\nline2\n'; return 0`},
	}
	fsys, err := libFS()
	if err != nil {
		return nil, err
	}
	fsys["rules/1_test/section.yml"] = &fstest.MapFile{Data: []byte(`name: test
params:
  - {name: t_value, type: int, default: "5", cloud: {aws: "7"}, doc: a value}
  - {name: t_alt, type: enum, enum: [a, b], default: a, doc: an alternative}
`)}
	var mapping strings.Builder
	for i, r := range rules {
		dir := "rules/1_test/" + r.rule + "/"
		y := fmt.Sprintf("title: %q\nreboot: %v\n", r.title, r.reboot)
		if r.when != "" {
			y += fmt.Sprintf("when: %q\n", r.when)
		}
		if r.manual != "" {
			y += fmt.Sprintf("manual: %q\n", r.manual)
		}
		if r.runtime != "" {
			y += fmt.Sprintf("runtime: %q\n", r.runtime)
		}
		fsys[dir+"rule.yml"] = &fstest.MapFile{Data: []byte(y)}
		if r.check != "" {
			fsys[dir+"check.sh"] = &fstest.MapFile{Data: []byte(r.check + "\n")}
		}
		if r.fix != "" {
			fsys[dir+"fix.sh"] = &fstest.MapFile{Data: []byte(r.fix + "\n")}
		}
		fmt.Fprintf(&mapping, "  - {id: \"1.%d\", rule: %s, server: %c, workstation: %c}\n", i+1, r.rule, r.levels[1], r.levels[3])
	}
	for _, b := range []struct{ id, osID, versionID, distro string }{
		{"debian12", "debian", "12", "Debian 12 (bookworm)"}, {"ubuntu2204", "ubuntu", "22.04", "Ubuntu 22.04 LTS"}, {"ubuntu2404", "ubuntu", "24.04", "Ubuntu 24.04 LTS"},
	} {
		fsys["benchmarks/"+b.id+".yml"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"id: %s\ntitle: test %s\nversion: \"1.0.0\"\nos_id: %s\nversion_id: %q\ndistro: %s\nplatform: debian\ncontrols:\n%s",
			b.id, b.id, b.osID, b.versionID, b.distro, mapping.String()))}
	}
	return LoadFS(fsys)
}

// libFS copies the real catalogue's script library (lib/) into a MapFS.
func libFS() (fstest.MapFS, error) {
	m := fstest.MapFS{}
	err := fs.WalkDir(catalogueFS(), "lib", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(catalogueFS(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	return m, err
}

func testPlan(t *testing.T, opts Options) (*Catalogue, *Plan) {
	t.Helper()
	cat, err := testCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if opts.Profile.Name == "" {
		opts.Profile = Profiles[0]
	}
	if opts.Cloud == "" {
		opts.Cloud = "none"
	}
	plan, err := NewPlan(cat, opts)
	if err != nil {
		t.Fatal(err)
	}
	return cat, plan
}

// runScript runs the generated script with sh on this machine, as a guest
// reporting os-release osRelease, and returns its parsed results.
func runScript(t *testing.T, cat *Catalogue, plan *Plan, dir, osRelease string) (*Run, error) {
	t.Helper()
	return runScriptBody(t, Script(cat, plan), plan, dir, osRelease)
}

// runBooted runs a generated script as PID 1 of a new PID namespace, so
// that it sees itself booted (init's root is its root) even where this
// machine's own init hides its root.
func runBooted(t *testing.T, body []byte, plan *Plan, dir string) (*Run, error) {
	t.Helper()
	if err := exec.Command("unshare", "--pid", "--fork", "--mount-proc", "true").Run(); err != nil {
		t.Skipf("needs unshare --pid --mount-proc (root): %v", err)
	}
	return runIn(t, []string{"unshare", "--pid", "--fork", "--mount-proc"}, body, plan, dir, debianOSRelease)
}

// runScriptBody runs a generated script body like runScript.
func runScriptBody(t *testing.T, body []byte, plan *Plan, dir, osRelease string) (*Run, error) {
	t.Helper()
	return runIn(t, nil, body, plan, dir, osRelease)
}

// runIn runs body with sh, behind the command prefix wrap, as a guest
// reporting os-release osRelease, and parses its results.
func runIn(t *testing.T, wrap []string, body []byte, plan *Plan, dir, osRelease string) (*Run, error) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("runs the generated script with the system sh")
	}
	script := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(script, body, 0o644); err != nil {
		t.Fatal(err)
	}
	osr := filepath.Join(dir, "os-release")
	if err := os.WriteFile(osr, []byte(osRelease), 0o644); err != nil {
		t.Fatal(err)
	}
	results := filepath.Join(dir, "results.jsonl")
	argv := append(append(wrap[:len(wrap):len(wrap)], "sh"), script, results)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "T="+dir, "H_OS_RELEASE="+osr)
	out, err := cmd.CombinedOutput()
	t.Logf("script output:\n%s", out)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	b, rerr := os.ReadFile(results)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return Parse(bytes.NewReader(b), plan)
}

const debianOSRelease = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"

func byRule(run *Run) map[string]Result {
	m := map[string]Result{}
	for _, r := range run.Results {
		m[r.Rule] = r
	}
	return m
}

func TestScriptRemediatesAndReportsEveryStatus(t *testing.T) {
	dir := t.TempDir()
	cat, plan := testPlan(t, Options{Waivers: []Waiver{{Rule: "t_waived", Reason: "not on this image"}}})
	run, err := runScript(t, cat, plan, dir, debianOSRelease)
	if err != nil {
		t.Fatal(err)
	}
	if run.Benchmark != Debian12 || run.Mode != "remediate" {
		t.Errorf("benchmark %s mode %s", run.Benchmark, run.Mode)
	}
	got := byRule(run)
	want := map[string][2]Status{ // before, after
		"t_fixable":     {Fail, Fixed},
		"t_passing":     {Pass, Pass},
		"t_unfixable":   {Fail, Fail},
		"t_broken_fix":  {Fail, Error},
		"t_error":       {Error, Error},
		"t_alternative": {NotApplicable, NotApplicable},
		"t_manual":      {Manual, Manual},
		"t_waived":      {Fail, Waived},
		"t_tabs":        {Pass, Pass},
	}
	for rule, w := range want {
		r, ok := got[rule]
		if !ok {
			t.Errorf("%s: no result", rule)
			continue
		}
		if r.Before != w[0] || r.Status != w[1] {
			t.Errorf("%s: before %s status %s, want %s %s (evidence %q, action %q)", rule, r.Before, r.Status, w[0], w[1], r.Evidence, r.Action)
		}
	}
	if _, ok := got["t_level2"]; ok {
		t.Error("a level 2 control ran in a level 1 profile")
	}
	if r := got["t_waived"]; r.Observed != Fail || r.Waiver == nil {
		t.Errorf("waived control: observed %q waiver %v", r.Observed, r.Waiver)
	}
	if _, err := os.Stat(filepath.Join(dir, "waived")); err == nil {
		t.Error("a waived control was remediated")
	}
	if r := got["t_fixable"]; !r.RebootRequired || !strings.Contains(r.EvidenceBefore, "value=none") || !strings.Contains(r.Evidence, "value=5") {
		t.Errorf("fixed control: %+v", r)
	}
	if r := got["t_passing"]; r.Evidence != "it's \"fine\" \\ ok" {
		t.Errorf("evidence quoting: %q", r.Evidence)
	}
	if r := got["t_tabs"]; r.Evidence != "a\tbc\nline2" {
		t.Errorf("control characters in evidence: %q", r.Evidence)
	}
	if r := got["t_broken_fix"]; !strings.Contains(r.Action, "remediation exited with status") {
		t.Errorf("failed fix action: %q", r.Action)
	}
	failing := run.Failing(FailOnLevel1)
	if len(failing) != 3 {
		t.Errorf("failing under level1: %v", failing)
	}

	// A second run changes nothing.
	run2, err := runScript(t, cat, plan, dir, debianOSRelease)
	if err != nil {
		t.Fatal(err)
	}
	if n := run2.Counts()[Fixed]; n != 0 {
		t.Errorf("second run fixed %d controls", n)
	}
	if r := byRule(run2)["t_fixable"]; r.Status != Pass {
		t.Errorf("second run t_fixable: %s", r.Status)
	}
}

// The after-boot audit judges a control that takes effect at boot on the
// running system too, changes nothing, and names the boot it ran in.
func TestBootAuditJudgesTheRunningSystem(t *testing.T) {
	if _, err := os.Stat("/proc/sys/kernel/random/boot_id"); err != nil {
		t.Skip("needs a kernel boot ID")
	}
	dir := t.TempDir()
	cat, plan := testPlan(t, Options{Waivers: []Waiver{{Rule: "t_waived", Reason: "not on this image"}}})
	build, err := runBooted(t, Script(cat, plan), plan, dir)
	if err != nil {
		t.Fatal(err)
	}
	if r := byRule(build)["t_fixable"]; r.Status != Fixed || strings.Contains(r.Evidence, "running=") {
		t.Fatalf("build-time run judged the running system: %+v", r)
	}
	if build.BootID == "" || build.Chroot {
		t.Fatalf("build-time run: boot ID %q, chroot %v", build.BootID, build.Chroot)
	}

	boot, err := runBooted(t, BootAuditScript(cat, plan), plan, dir)
	if err != nil {
		t.Fatal(err)
	}
	if boot.Mode != "boot" || boot.BootID != build.BootID {
		t.Errorf("after-boot audit: mode %q boot ID %q (want boot, %q: same kernel here)", boot.Mode, boot.BootID, build.BootID)
	}
	got := byRule(boot)
	if r := got["t_fixable"]; r.Status != Fail || !strings.Contains(r.Evidence, "value=5") || !strings.Contains(r.Evidence, "running=none") {
		t.Errorf("file fixed but not in effect: %s %q, want fail with both observations", r.Status, r.Evidence)
	}
	if r := got["t_passing"]; r.Status != Pass {
		t.Errorf("a control without a runtime check: %s", r.Status)
	}
	if r := got["t_unfixable"]; r.Status != Fail || r.Action != "" {
		t.Errorf("the after-boot audit remediated: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "waived")); err == nil {
		t.Error("the after-boot audit changed a waived control")
	}

	if err := os.WriteFile(filepath.Join(dir, "running"), []byte("5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	boot, err = runBooted(t, BootAuditScript(cat, plan), plan, dir)
	if err != nil {
		t.Fatal(err)
	}
	if r := byRule(boot)["t_fixable"]; r.Status != Pass || !strings.Contains(r.Evidence, "running=5") {
		t.Errorf("in effect: %s %q, want pass", r.Status, r.Evidence)
	}
}

func TestScriptAuditOnlyChangesNothing(t *testing.T) {
	dir := t.TempDir()
	cat, plan := testPlan(t, Options{AuditOnly: true})
	run, err := runScript(t, cat, plan, dir, debianOSRelease)
	if err != nil {
		t.Fatal(err)
	}
	if r := byRule(run)["t_fixable"]; r.Status != Fail {
		t.Errorf("audit only: t_fixable %s", r.Status)
	}
	if _, err := os.Stat(filepath.Join(dir, "value")); err == nil {
		t.Error("audit only remediated")
	}
}

func TestScriptParametersAndCloudPresets(t *testing.T) {
	dir := t.TempDir()
	cat, plan := testPlan(t, Options{Cloud: "aws", Params: map[string]string{"t_alt": "b"}})
	run, err := runScript(t, cat, plan, dir, debianOSRelease)
	if err != nil {
		t.Fatal(err)
	}
	got := byRule(run)
	if v, _ := os.ReadFile(filepath.Join(dir, "value")); string(v) != "7\n" {
		t.Errorf("aws preset: value %q, want 7", v)
	}
	if got["t_alternative"].Status != Fail {
		t.Errorf("t_alt=b: alternative %s, want fail", got["t_alternative"].Status)
	}
	// A user value wins over the cloud preset.
	dir2 := t.TempDir()
	cat, plan = testPlan(t, Options{Cloud: "aws", Params: map[string]string{"t_value": "9"}})
	if _, err := runScript(t, cat, plan, dir2, debianOSRelease); err != nil {
		t.Fatal(err)
	}
	if v, _ := os.ReadFile(filepath.Join(dir2, "value")); string(v) != "9\n" {
		t.Errorf("user parameter: value %q, want 9", v)
	}
}

func TestScriptRefusesUnsupportedDistribution(t *testing.T) {
	dir := t.TempDir()
	cat, plan := testPlan(t, Options{})
	_, err := runScript(t, cat, plan, dir, "PRETTY_NAME=\"Fedora Linux 40\"\nID=fedora\nVERSION_ID=40\n")
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("want ErrUnsupported, got %v", err)
	}
	for _, want := range []string{"Fedora Linux 40", "Debian 12 (bookworm)", "Ubuntu 22.04 LTS", "Ubuntu 24.04 LTS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "value")); err == nil {
		t.Error("the script changed something on an unsupported distribution")
	}
}

func TestGeneratedScriptIsValidShell(t *testing.T) {
	cat := mustLoad(t)
	for _, p := range Profiles {
		plan, err := NewPlan(cat, Options{Profile: p, Cloud: "auto", Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		script := Script(cat, plan)
		for _, shell := range []string{"sh", "dash", "bash"} {
			if _, err := exec.LookPath(shell); err != nil {
				continue
			}
			cmd := exec.Command(shell, "-n")
			cmd.Stdin = bytes.NewReader(script)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: %s -n: %v\n%s", p.Name, shell, err, out)
			}
		}
	}
}

// TestGeneratedScriptDefinesEveryControl sources the real catalogue's script
// (without running it) and checks that every control function and list
// exists: an unterminated here-document in one body would swallow the rest.
func TestGeneratedScriptDefinesEveryControl(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses the system sh")
	}
	cat := mustLoad(t)
	plan, err := NewPlan(cat, Options{Profile: Profiles[1], Cloud: "none", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	script := strings.TrimSuffix(string(Script(cat, plan)), "h_main \"$@\"\n")
	var check strings.Builder
	check.WriteString("type h_list_debian12 h_list_ubuntu2204 h_list_ubuntu2404 h_main >/dev/null || exit 1\n")
	for _, c := range cat.Controls {
		if c.Automated() {
			fmt.Fprintf(&check, "type chk_%s >/dev/null || { echo missing chk_%s; exit 1; }\n", c.Rule, c.Rule)
		}
		if c.Fix != "" {
			fmt.Fprintf(&check, "type fix_%s >/dev/null || { echo missing fix_%s; exit 1; }\n", c.Rule, c.Rule)
		}
	}
	cmd := exec.Command("sh")
	cmd.Stdin = strings.NewReader(script + check.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}
