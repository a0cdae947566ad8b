package cis

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Benchmark identifies one CIS benchmark: a distribution release and the
// benchmark version our section numbers come from.
type Benchmark string

const (
	Debian12   Benchmark = "debian12"
	Ubuntu2204 Benchmark = "ubuntu2204"
	Ubuntu2404 Benchmark = "ubuntu2404"
)

// Benchmarks lists the supported benchmarks in a stable order.
var Benchmarks = []Benchmark{Debian12, Ubuntu2204, Ubuntu2404}

// BenchmarkInfo describes a benchmark for reports.
type BenchmarkInfo struct {
	Title     string // the benchmark document
	Version   string // its version
	OSID      string // os-release ID
	VersionID string // os-release VERSION_ID
	Distro    string // human name of the distribution release
}

// Info returns what os-release must say for b, and which document it follows.
func (b Benchmark) Info() BenchmarkInfo {
	switch b {
	case Debian12:
		return BenchmarkInfo{"CIS Debian Linux 12 Benchmark", "1.1.0", "debian", "12", "Debian 12 (bookworm)"}
	case Ubuntu2204:
		return BenchmarkInfo{"CIS Ubuntu Linux 22.04 LTS Benchmark", "2.0.0", "ubuntu", "22.04", "Ubuntu 22.04 LTS"}
	case Ubuntu2404:
		return BenchmarkInfo{"CIS Ubuntu Linux 24.04 LTS Benchmark", "1.0.0", "ubuntu", "24.04", "Ubuntu 24.04 LTS"}
	}
	return BenchmarkInfo{}
}

// shortBenchmark maps the short names used in Control.CIS.
var shortBenchmark = map[string]Benchmark{"d12": Debian12, "u22": Ubuntu2204, "u24": Ubuntu2404}

// Ref places a control in one benchmark: its section number and its level in
// the server and workstation profiles (0: not part of that profile).
type Ref struct {
	ID          string
	Server      int
	Workstation int
}

// Control is one recommendation of the catalogue.
type Control struct {
	// Rule is the stable name users write in skip and include.
	Rule string
	// Title says what the control ensures, in our own words.
	Title string
	// CIS places the control in each benchmark, space separated entries of
	// the form "d12:1.1.1.1:s1w1": benchmark (d12, u22, u24), section
	// number, and levels (s1/s2 server, w1/w2 workstation).
	CIS string
	// When is a shell condition; when false the control is not-applicable
	// (for example an alternative the parameters did not choose).
	When string
	// Check is a shell body that prints what it observed and returns 0 for
	// pass, 1 for fail, 2 for not-applicable, 3 for manual.
	Check string
	// Fix is a shell body that remediates a failed check for the image (never
	// for the running kernel or services). Empty: no automatic remediation.
	Fix string
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
	refRE   = regexp.MustCompile(`^(d12|u22|u24):([0-9]+(\.[0-9]+)*):((s[12])?(w[12])?)$`)
	paramRE = regexp.MustCompile(`\$\{?P_([a-z0-9_]+)`)
)

// parseRefs parses Control.CIS.
func parseRefs(s string) (map[Benchmark]Ref, error) {
	refs := map[Benchmark]Ref{}
	for _, f := range strings.Fields(s) {
		m := refRE.FindStringSubmatch(f)
		if m == nil || m[4] == "" {
			return nil, fmt.Errorf("reference %q: want bench:section:levels, like d12:1.1.1.1:s1w1", f)
		}
		b := shortBenchmark[m[1]]
		if _, dup := refs[b]; dup {
			return nil, fmt.Errorf("reference %q: %s given twice", f, b)
		}
		r := Ref{ID: m[2]}
		if m[5] != "" {
			r.Server = int(m[5][1] - '0')
		}
		if m[6] != "" {
			r.Workstation = int(m[6][1] - '0')
		}
		refs[b] = r
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("no benchmark reference")
	}
	return refs, nil
}

// sortedBenchmarks returns the keys of refs in the order of Benchmarks.
func sortedBenchmarks(refs map[Benchmark]Ref) []Benchmark {
	var out []Benchmark
	for _, b := range Benchmarks {
		if _, ok := refs[b]; ok {
			out = append(out, b)
		}
	}
	return out
}

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
