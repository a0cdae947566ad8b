package cis

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Benchmark identifies one CIS benchmark by the id of its mapping file
// (catalogue/benchmarks/<id>.yml), for example debian12.
type Benchmark string

// BenchmarkInfo describes a benchmark: the document, and what os-release must
// say for the guest to be audited against it.
type BenchmarkInfo struct {
	ID        Benchmark
	Title     string // the benchmark document
	Version   string // its version
	OSID      string // os-release ID
	VersionID string // os-release VERSION_ID
	Distro    string // human name of the distribution release
	// Platform names the distribution family of the script library's
	// platform layer (catalogue/lib/platform/<name>.sh).
	Platform string
}

// Ref places a control in one benchmark: its section number and its level in
// the server and workstation profiles (0: not part of that profile).
type Ref struct {
	ID          string
	Server      int
	Workstation int
}

// Control is one rule of the catalogue, as the engine uses it: the shell
// bodies are the rule's check.sh and fix.sh, or its template rendered.
type Control struct {
	// Rule is the stable name users write in skip and include.
	Rule string
	// Title says what the control ensures, in our own words.
	Title string
	// When is a shell condition; when false the control is not-applicable
	// (for example an alternative the parameters did not choose).
	When string
	// Check is a shell body that prints what it observed and returns 0 for
	// pass, 1 for fail, 2 for not-applicable, 3 for manual.
	Check string
	// Fix is a shell body that remediates a failed check for the image (never
	// for the running kernel or services). Empty: no automatic remediation.
	Fix string
	// Runtime is a shell body the after-boot audit of a booted guest runs
	// once Check passed: it judges the running system (the value in
	// effect, the service running), for controls that take effect at boot.
	Runtime string
	// Install and Remove are package lists (shell words, parameters
	// expanded) installed or purged in one batch before the fixes run, when
	// the check failed.
	Install string
	Remove  string
	// Manual, when set, makes the control always manual: it says what the
	// user must do (for example in the builder's disk layout).
	Manual string
	// Reboot is true when the remediation takes effect only after a boot.
	Reboot bool
	// Params names the parameters the shell bodies read (as $P_<name>).
	Params []string
	// Pass says what a passing check means, for the docs.
	Pass string
	// Safety explains what keeps the control build-safe, when not obvious.
	Safety string
	// Template and Vars: the template the bodies were rendered from, if any.
	Template string
	Vars     map[string]string
	// Dir is the rule's folder in the catalogue (rules/<section>/<rule>).
	Dir string

	refs map[Benchmark]Ref
}

// Refs returns the control's place in each benchmark that has it.
func (c *Control) Refs() map[Benchmark]Ref { return c.refs }

// Ref returns the control's place in b.
func (c *Control) Ref(b Benchmark) (Ref, bool) {
	r, ok := c.refs[b]
	return r, ok
}

// Automated reports whether the control runs a check in the guest.
func (c *Control) Automated() bool { return c.Manual == "" }

// Remediable reports whether a failed check can be fixed automatically.
func (c *Control) Remediable() bool {
	return c.Manual == "" && (c.Fix != "" || c.Install != "" || c.Remove != "")
}

var (
	ruleRE  = regexp.MustCompile(`^[a-z][a-z0-9_]{2,80}$`)
	paramRE = regexp.MustCompile(`\$\{?P_([a-z0-9_]+)`)
)

// CompareIDs orders CIS section numbers numerically ("1.10" after "1.9").
func CompareIDs(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		var x, y int
		fmt.Sscan(as[i], &x)
		fmt.Sscan(bs[i], &y)
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}

// sortByID sorts controls by their section number in b.
func sortByID(cs []*Control, b Benchmark) {
	sort.SliceStable(cs, func(i, j int) bool {
		return CompareIDs(cs[i].refs[b].ID, cs[j].refs[b].ID) < 0
	})
}
