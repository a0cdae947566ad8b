package cis

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Section is one part of the catalogue: its controls, the parameters they
// read and the shell helper functions only they use.
type Section struct {
	Name     string
	Lib      string
	Params   []Param
	Controls []Control
}

// sections is the whole catalogue in benchmark order.
var sections = []*Section{
	&sectionInitialSetup,
	&sectionServices,
	&sectionNetwork,
	&sectionFirewall,
	&sectionAccess,
	&sectionLogging,
	&sectionMaintenance,
}

// Catalogue is the checked, indexed set of all controls and parameters.
type Catalogue struct {
	Controls []*Control
	Params   map[string]*Param
	Sections []*Section
	byRule   map[string]*Control
}

var (
	loadOnce sync.Once
	loaded   *Catalogue
	loadErr  error
)

// Load returns the catalogue, checked for consistency once per process.
func Load() (*Catalogue, error) {
	loadOnce.Do(func() { loaded, loadErr = build(sections) })
	return loaded, loadErr
}

// build indexes sections and reports every inconsistency at once.
func build(secs []*Section) (*Catalogue, error) {
	cat := &Catalogue{Params: map[string]*Param{}, byRule: map[string]*Control{}, Sections: secs}
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	for _, s := range secs {
		for i := range s.Params {
			p := &s.Params[i]
			if _, dup := cat.Params[p.Name]; dup {
				add("parameter %s defined twice", p.Name)
			}
			if err := p.Validate(p.Default); err != nil {
				add("default of %v", err)
			}
			for cloud, v := range p.Cloud {
				if err := p.Validate(v); err != nil {
					add("%s default of %v", cloud, err)
				}
			}
			cat.Params[p.Name] = p
		}
	}
	ids := map[Benchmark]map[string]string{}
	for _, s := range secs {
		for i := range s.Controls {
			c := &s.Controls[i]
			if !ruleRE.MatchString(c.Rule) {
				add("rule name %q: want lower-case letters, digits and _", c.Rule)
			}
			if _, dup := cat.byRule[c.Rule]; dup {
				add("rule %s defined twice", c.Rule)
			}
			refs, err := parseRefs(c.CIS)
			if err != nil {
				add("rule %s: %v", c.Rule, err)
			}
			c.refs = refs
			for b, r := range refs {
				if ids[b] == nil {
					ids[b] = map[string]string{}
				}
				if other, dup := ids[b][r.ID]; dup {
					add("%s %s claimed by both %s and %s", b, r.ID, other, c.Rule)
				}
				ids[b][r.ID] = c.Rule
			}
			if c.Title == "" {
				add("rule %s: no title", c.Rule)
			}
			switch {
			case c.Manual != "" && (c.Check != "" || c.Fix != "" || c.Install != "" || c.Remove != ""):
				add("rule %s: a manual control has no check or remediation", c.Rule)
			case c.Manual == "" && c.Check == "":
				add("rule %s: no check (every automated control needs one)", c.Rule)
			}
			used := map[string]bool{}
			for _, body := range []string{c.When, c.Check, c.Fix, c.Install, c.Remove} {
				for _, m := range paramRE.FindAllStringSubmatch(body, -1) {
					used[m[1]] = true
				}
			}
			for _, p := range c.Params {
				if cat.Params[p] == nil {
					add("rule %s: parameter %s is not defined", c.Rule, p)
				}
				delete(used, p)
			}
			for p := range used {
				if cat.Params[p] == nil {
					add("rule %s: reads $P_%s, which is not defined", c.Rule, p)
				} else {
					c.Params = append(c.Params, p)
				}
			}
			sort.Strings(c.Params)
			cat.byRule[c.Rule] = c
			cat.Controls = append(cat.Controls, c)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("control catalogue is inconsistent:\n  %s", strings.Join(errs, "\n  "))
	}
	return cat, nil
}

// Control returns the control named rule.
func (cat *Catalogue) Control(rule string) (*Control, bool) {
	c, ok := cat.byRule[rule]
	return c, ok
}
