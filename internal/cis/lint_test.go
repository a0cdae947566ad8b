package cis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestShellcheck lints every shell file of the catalogue (runtime library,
// platform layers, section helpers, rule check.sh and fix.sh, template
// output) as the guest runs it: inside one generated script that has every
// rule, so calls across files resolve. Findings name the catalogue file and
// line they come from.
func TestShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatal("shellcheck is not installed: run scripts/tools.sh (Debian package shellcheck)")
	}
	cat := mustLoad(t)
	plan := allRulesPlan(t, cat, "auto")
	var spans []span
	body := script(cat, plan, &spans)
	// After them the test harness, and the rule test cases, each as a
	// function.
	var tests strings.Builder
	line := bytes.Count(body, []byte("\n")) + 1
	h := harness(t)
	tests.WriteString(h)
	spans = append(spans, span{line, line + strings.Count(h, "\n") - 1, "testdata/ruletest.sh"})
	line += strings.Count(h, "\n")
	for i, c := range ruleCases(t, cat) {
		fmt.Fprintf(&tests, "rt_case_%d() {\n%s", i, c.varLines())
		line += 1 + strings.Count(c.varLines(), "\n")
		spans = append(spans, span{line + 1, line + strings.Count(c.Prepare, "\n"), c.Name + " (after tests/setup.sh, if any)"})
		fmt.Fprintf(&tests, "%s\n}\nrt_case_%d\n", strings.TrimRight(c.Prepare, "\n"), i)
		line += strings.Count(strings.TrimRight(c.Prepare, "\n"), "\n") + 1 + 2
	}
	body = append(body, tests.String()...)
	file := filepath.Join(t.TempDir(), "all-rules.sh")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(sc, "--shell=sh", "--format=json1", "--severity=style", file)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil && stdout.Len() == 0 {
		t.Fatalf("shellcheck: %v: %s", err, stderr.String())
	}
	var out struct {
		Comments []struct {
			Line    int    `json:"line"`
			Column  int    `json:"column"`
			Level   string `json:"level"`
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"comments"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("shellcheck output: %v", err)
	}
	var findings []string
	for _, c := range out.Comments {
		where := fmt.Sprintf("generated script line %d", c.Line)
		for _, s := range spans {
			if c.Line >= s.From && c.Line <= s.To {
				where = fmt.Sprintf("%s:%d", s.File, c.Line-s.From+1)
				break
			}
		}
		findings = append(findings, fmt.Sprintf("%s: SC%d (%s) %s", where, c.Code, c.Level, c.Message))
	}
	sort.Strings(findings)
	findings = dedupe(findings)
	if len(findings) > 0 {
		t.Errorf("%d shellcheck findings:\n%s", len(findings), strings.Join(findings, "\n"))
	}
}

// dedupe drops repeated lines of a sorted list (a library line is linted
// once, but a template renders the same finding for several rules).
func dedupe(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
