package cis

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// A rule test case, in the ComplianceAsCode spirit: a shell script that
// prepares the image, and whether the rule's check must then fail (and be
// fixed by its remediation) or pass untouched. They live beside the rule
// (rules/<section>/<rule>/tests/<name>.fail.sh or .pass.sh) or, for every
// rule on a template, beside the template (templates/tests/<template>.*.sh,
// which read the rule's variables as $V_<name>; a rule's own case of the
// same file name replaces the template's). A case may call
// rt_needs_network before it installs packages.
type ruleCase struct {
	Rule, Name string
	Fail       bool
	Prepare    string
	Vars       map[string]string
}

var caseRE = regexp.MustCompile(`^([a-z0-9_-]+)\.(fail|pass)\.sh$`)

// ruleCases lists the test cases of every automated rule, read from the
// catalogue folder on disk (the tests are not embedded in the plugin).
func ruleCases(t testing.TB, cat *Catalogue) []ruleCase {
	t.Helper()
	disk := os.DirFS("catalogue")
	var setup string
	read := func(dir, tpl string, vars map[string]string, rule string) []ruleCase {
		entries, err := fs.ReadDir(disk, dir)
		if err != nil {
			return nil
		}
		var out []ruleCase
		for _, e := range entries {
			m := caseRE.FindStringSubmatch(e.Name())
			if m == nil {
				if strings.HasSuffix(e.Name(), ".sh") && e.Name() != "setup.sh" {
					t.Errorf("%s/%s: a test case is named NAME.fail.sh or NAME.pass.sh", dir, e.Name())
				}
				continue
			}
			if tpl != "" && m[1] != tpl && !strings.HasPrefix(m[1], tpl+"-") {
				continue
			}
			b, err := fs.ReadFile(disk, path.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ruleCase{Rule: rule, Name: path.Join(dir, e.Name()), Fail: m[2] == "fail", Prepare: setup + string(b), Vars: vars})
		}
		return out
	}
	var cases []ruleCase
	for _, c := range cat.Controls {
		if !c.Automated() {
			continue
		}
		// tests/setup.sh runs before each of the rule's cases, its own and
		// its template's: it chooses the parameters that make the rule
		// applicable (P_firewall=ufw, ...).
		setup = ""
		if b, err := fs.ReadFile(disk, c.Dir+"/tests/setup.sh"); err == nil {
			setup = string(b)
		}
		own := read(c.Dir+"/tests", "", nil, c.Rule)
		cases = append(cases, own...)
		if c.Template != "" {
			// A rule's own case named like a template case replaces it,
			// for a rule the template's case cannot prepare.
			for _, tc := range read("templates/tests", c.Template, c.Vars, c.Rule) {
				if !slices.ContainsFunc(own, func(o ruleCase) bool { return path.Base(o.Name) == path.Base(tc.Name) }) {
					cases = append(cases, tc)
				}
			}
		}
	}
	return cases
}

// untested reads testdata/rules-without-tests.txt: the automated rules that
// have no test case, each with the reason ("rule: why it cannot be tested in
// a chroot"). The list only shrinks.
func untested(t testing.TB) map[string]string {
	f, err := os.Open("testdata/rules-without-tests.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		rule, reason, _ := strings.Cut(l, ":")
		rule, reason = strings.TrimSpace(rule), strings.TrimSpace(reason)
		if reason == "" {
			t.Errorf("testdata/rules-without-tests.txt:%d: %q has no reason; write \"rule: why it cannot be tested in a chroot\"", n, l)
		}
		m[rule] = reason
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEveryRuleHasTests checks that every automated rule has a case where its
// check fails and one where it passes, except the rules still listed in
// testdata/rules-without-tests.txt; a listed rule that has gained both must
// leave the list.
func TestEveryRuleHasTests(t *testing.T) {
	cat := mustLoad(t)
	cases := ruleCases(t, cat)
	kinds := map[string]map[bool]int{}
	for _, c := range cases {
		if kinds[c.Rule] == nil {
			kinds[c.Rule] = map[bool]int{}
		}
		kinds[c.Rule][c.Fail]++
	}
	todo := untested(t)
	var covered, missing []string
	for _, c := range cat.Controls {
		if !c.Automated() {
			continue
		}
		ok := kinds[c.Rule][true] > 0 && kinds[c.Rule][false] > 0
		_, listed := todo[c.Rule]
		switch {
		case ok && listed:
			t.Errorf("%s has tests now: remove it from testdata/rules-without-tests.txt", c.Rule)
		case !ok && !listed:
			t.Errorf("%s needs a .fail.sh and a .pass.sh test case (rules/.../%s/tests or templates/tests)", c.Rule, c.Rule)
		case ok:
			covered = append(covered, c.Rule)
		default:
			missing = append(missing, c.Rule)
		}
		delete(todo, c.Rule)
	}
	var stale []string
	for r := range todo {
		stale = append(stale, r)
	}
	sort.Strings(stale)
	for _, r := range stale {
		t.Errorf("testdata/rules-without-tests.txt lists %s, which is not an automated rule", r)
	}
	t.Logf("%d test cases; %d automated rules with fail and pass cases, %d still without", len(cases), len(covered), len(missing))
}

var paramRefRE = regexp.MustCompile(`^"\$P_[a-z0-9_]+"$`)

// varLines assigns the template variables the case reads as $V_<name>: a parameter
// reference stays one, anything else is quoted.
func (c ruleCase) varLines() string {
	names := make([]string, 0, len(c.Vars))
	for k := range c.Vars {
		if strings.Contains(c.Prepare, "$V_"+k) || strings.Contains(c.Prepare, "${V_"+k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		v := c.Vars[k]
		if !paramRefRE.MatchString(v) {
			v = sq(v)
		}
		b.WriteString("V_" + k + "=" + v + "\n")
	}
	return b.String()
}

// allRulesPlan plans every rule of the catalogue, for every benchmark.
func allRulesPlan(t testing.TB, cat *Catalogue, cloud string) *Plan {
	t.Helper()
	var all []string
	for _, c := range cat.Controls {
		all = append(all, c.Rule)
	}
	plan, err := NewPlan(cat, Options{Profile: Profiles[1], Cloud: cloud, Include: all})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// harness is testdata/ruletest.sh: the shell that runs a case in the chroot
// (rt_case, rt_layer) and the helpers cases call (rt_packages, ...).
func harness(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ruletest.sh"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// b01 is a shell boolean.
func b01(v bool) int {
	if v {
		return 1
	}
	return 0
}

// rtPackagesRE finds a case's "rt_packages WORD..." lines (often in the
// rule's tests/setup.sh): the packages the case needs installed before it
// starts. A word is a package name, a template variable ($V_packages: all
// its words), its first word ("${V_packages%% *}") or a unit's name without
// ".service" ("${V_unit%.service}", the package of that name).
var (
	rtPackagesRE = regexp.MustCompile(`(?m)^rt_packages (.+)$`)
	rtWordRE     = regexp.MustCompile(`"\$\{V_[a-z0-9_]+(%% \*|%\.service)\}"|"?\$\{?V_[a-z0-9_]+\}?"?|[a-z0-9][a-z0-9.+-]*|\s+`)
	rtVarRE      = regexp.MustCompile(`^"?\$\{?V_([a-z0-9_]+)(%% \*|%\.service)?\}?"?$`)
)

// packages is the sorted set of packages the case names with rt_packages,
// its template variables expanded; the harness installs them in a layer.
func (c ruleCase) packages() (string, error) {
	var pk []string
	for _, m := range rtPackagesRE.FindAllStringSubmatch(c.Prepare, -1) {
		words := rtWordRE.FindAllString(m[1], -1)
		if strings.Join(words, "") != m[1] {
			return "", fmt.Errorf("%s: rt_packages %s: want package names, $V_<var>, \"${V_<var>%%%% *}\" or \"${V_<var>%%.service}\"", c.Name, m[1])
		}
		for _, w := range words {
			if strings.TrimSpace(w) == "" {
				continue
			}
			v := rtVarRE.FindStringSubmatch(w)
			if v == nil {
				pk = append(pk, w)
				continue
			}
			val, ok := c.Vars[v[1]]
			if !ok || paramRefRE.MatchString(val) {
				return "", fmt.Errorf("%s: rt_packages %s: V_%s is not a literal template variable of %s", c.Name, m[1], v[1], c.Rule)
			}
			f := strings.Fields(val)
			switch {
			case v[2] == "%% *" && len(f) > 0:
				f = f[:1]
			case v[2] == "%.service" && len(f) == 1:
				f = []string{strings.TrimSuffix(f[0], ".service")}
			}
			pk = append(pk, f...)
		}
	}
	sort.Strings(pk)
	return strings.Join(slices.Compact(pk), " "), nil
}

func (c ruleCase) mustPackages(t testing.TB) string {
	t.Helper()
	pk, err := c.packages()
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

// TestRtPackagesLines: every case's rt_packages line names packages the
// harness can install in a layer before the case starts.
func TestRtPackagesLines(t *testing.T) {
	layers := map[string]bool{}
	for _, c := range ruleCases(t, mustLoad(t)) {
		pk, err := c.packages()
		if err != nil {
			t.Error(err)
		}
		if pk != "" {
			layers[pk] = true
		}
	}
	if len(layers) < 20 {
		t.Errorf("only %d package layers: the template cases name their packages with rt_packages", len(layers))
	}
	t.Logf("%d package layers", len(layers))
}
