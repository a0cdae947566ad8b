package cis

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Profile is a CIS profile: a level (Level 2 includes Level 1) of the server
// or the workstation recommendations.
type Profile struct {
	Name        string
	Level       int
	Workstation bool
}

// Profiles lists the accepted profile names.
var Profiles = []Profile{
	{"cis_level1_server", 1, false},
	{"cis_level2_server", 2, false},
	{"cis_level1_workstation", 1, true},
	{"cis_level2_workstation", 2, true},
}

// ProfileNames returns the accepted profile names, comma separated.
func ProfileNames() string {
	var names []string
	for _, p := range Profiles {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// ParseProfile returns the profile called name.
func ParseProfile(name string) (Profile, error) {
	for _, p := range Profiles {
		if p.Name == name {
			return p, nil
		}
	}
	return Profile{}, fmt.Errorf("profile: %q is not a profile; accepted: %s", name, ProfileNames())
}

// levelIn returns the control's level for profile p (0: not in p).
func (p Profile) levelIn(r Ref) int {
	l := r.Server
	if p.Workstation {
		l = r.Workstation
	}
	if l > p.Level {
		return 0
	}
	return l
}

// Waiver accepts that a control is not met: it is still checked, never
// remediated, and its result is recorded beside the waiver.
type Waiver struct {
	Rule    string    `json:"rule"`
	Reason  string    `json:"reason"`
	Owner   string    `json:"owner,omitempty"`
	Expires time.Time `json:"expires,omitempty"` // zero: never
}

// Options selects and parameterises the controls of one run.
type Options struct {
	Profile Profile
	// Include adds single controls from outside the profile (at their own
	// level, or level 2 when the profile has no level for them).
	Include []string
	Waivers []Waiver
	// Params overrides parameter defaults; validated by NewPlan.
	Params           map[string]string
	Cloud            string // auto, aws, gcp, none
	AuditOnly        bool
	WaitForCloudInit bool
	// Now decides which waivers have expired.
	Now time.Time
}

// Planned is a control selected for one benchmark.
type Planned struct {
	Control *Control
	Ref     Ref
	// Level is the control's level in the profile (for included controls:
	// their level in the benchmark's server or workstation list).
	Level    int
	Included bool
	Waiver   *Waiver
}

// Plan is what one run does, for each benchmark the guest may turn out to be.
type Plan struct {
	Options
	Controls map[Benchmark][]Planned
	// Expired lists the waivers that no longer apply.
	Expired []Waiver
	// Params holds the user's validated overrides.
	Params map[string]string
	// boot makes the script the after-boot audit (BootAuditScript).
	boot bool
}

// Clouds lists the accepted cloud presets.
var Clouds = []string{"auto", "aws", "gcp", "none"}

// NewPlan selects the controls of opts.Profile for every benchmark and
// validates includes, waivers and parameters, reporting every problem.
func NewPlan(cat *Catalogue, opts Options) (*Plan, error) {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	plan := &Plan{Options: opts, Controls: map[Benchmark][]Planned{}, Params: map[string]string{}}

	cloudOK := false
	for _, c := range Clouds {
		cloudOK = cloudOK || opts.Cloud == c
	}
	if !cloudOK {
		add("cloud: %q is not a cloud preset; accepted: %s", opts.Cloud, strings.Join(Clouds, ", "))
	}
	names := make([]string, 0, len(opts.Params))
	for n := range opts.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, ok := cat.Params[n]
		if !ok {
			add("parameters.%s: unknown parameter; see the parameter table in the provisioner's docs", n)
			continue
		}
		if err := p.Validate(opts.Params[n]); err != nil {
			add("%v", err)
			continue
		}
		plan.Params[n] = opts.Params[n]
	}
	included := map[string]bool{}
	for i, rule := range opts.Include {
		if _, ok := cat.Control(rule); !ok {
			add("include[%d]: %q is not a rule name%s", i, rule, suggest(cat, rule))
		}
		included[rule] = true
	}
	waivers := map[string]*Waiver{}
	for i := range opts.Waivers {
		w := &opts.Waivers[i]
		if _, ok := cat.Control(w.Rule); !ok {
			add("skip[%d].rule: %q is not a rule name%s", i, w.Rule, suggest(cat, w.Rule))
		}
		if strings.TrimSpace(w.Reason) == "" {
			add("skip[%d].reason: skipping %q needs a reason (auditors read it)", i, w.Rule)
		}
		if _, dup := waivers[w.Rule]; dup {
			add("skip[%d].rule: %q is skipped twice", i, w.Rule)
		}
		if !w.Expires.IsZero() && !opts.Now.Before(w.Expires) {
			plan.Expired = append(plan.Expired, *w)
			continue
		}
		waivers[w.Rule] = w
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	for _, bi := range cat.Benchmarks {
		b := bi.ID
		var sel []*Control
		for _, c := range cat.Controls {
			r, ok := c.refs[b]
			if !ok {
				continue
			}
			if opts.Profile.levelIn(r) > 0 || included[c.Rule] {
				sel = append(sel, c)
			}
		}
		sortByID(sel, b)
		for _, c := range sel {
			r := c.refs[b]
			p := Planned{Control: c, Ref: r, Level: opts.Profile.levelIn(r), Waiver: waivers[c.Rule]}
			if p.Level == 0 {
				p.Included = true
				p.Level = r.Server
				if opts.Profile.Workstation {
					p.Level = r.Workstation
				}
				if p.Level == 0 {
					p.Level = 2
				}
			}
			plan.Controls[b] = append(plan.Controls[b], p)
		}
	}
	return plan, nil
}

// suggest returns ", did you mean X?" for the closest rule names.
func suggest(cat *Catalogue, rule string) string {
	var hits []string
	for _, c := range cat.Controls {
		if strings.Contains(c.Rule, rule) || (len(rule) > 6 && strings.Contains(rule, c.Rule)) {
			hits = append(hits, c.Rule)
		}
	}
	if len(hits) == 0 || len(hits) > 3 {
		return "; the rule names are listed in the provisioner's control table"
	}
	return "; did you mean " + strings.Join(hits, " or ") + "?"
}
