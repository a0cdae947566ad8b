package cis

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// The catalogue's files; catalogue/README.md describes the layout. Rule
// tests (rules/*/*/tests) are read from disk by the tests, not embedded.
//
//go:embed catalogue/README.md catalogue/lib catalogue/templates/*.yml catalogue/benchmarks
//go:embed catalogue/rules/*/section.yml catalogue/rules/*/lib.sh
//go:embed catalogue/rules/*/*/rule.yml catalogue/rules/*/*/check.sh catalogue/rules/*/*/fix.sh
var catalogueFiles embed.FS

//go:embed catalogue.schema.json
var catalogueSchema []byte

// Section is one part of the catalogue: its controls, the parameters they
// read and the shell helper functions only they use.
type Section struct {
	Name     string
	Dir      string // rules/<dir>
	Lib      string
	Params   []Param
	Controls []Control
}

// sourceFile is a shell file of the catalogue.
type sourceFile struct{ name, text string }

// Template renders the check, fix and packages of a common shape of rule
// from the rule's variables.
type Template struct {
	Name string
	Doc  string
	Vars map[string]TemplateVar

	check, fix, runtime, install, remove *template.Template
}

// TemplateVar is one variable of a template.
type TemplateVar struct {
	Doc     string `yaml:"doc"`
	Pattern string `yaml:"pattern"`
	re      *regexp.Regexp
}

// Catalogue is the checked, indexed set of all controls and parameters.
type Catalogue struct {
	Controls   []*Control
	Params     map[string]*Param
	Sections   []*Section
	Benchmarks []BenchmarkInfo
	Templates  map[string]*Template
	// libFiles are the runtime library and the platform layers, in script
	// order.
	libFiles []sourceFile
	// platforms are the platform layers by family (lib/platform/<name>.sh)
	// of the benchmarks.
	platforms map[string]sourceFile
	byRule    map[string]*Control
}

var (
	loadOnce sync.Once
	loaded   *Catalogue
	loadErr  error
)

// Load returns the embedded catalogue, checked for consistency once per
// process.
func Load() (*Catalogue, error) {
	loadOnce.Do(func() { loaded, loadErr = LoadFS(catalogueFS()) })
	return loaded, loadErr
}

// catalogueFS returns the embedded catalogue's files.
func catalogueFS() fs.FS {
	sub, _ := fs.Sub(catalogueFiles, "catalogue")
	return sub
}

// The YAML documents, as the schema (catalogue.schema.json) describes them.
type (
	packagesFile struct {
		Install string `yaml:"install"`
		Remove  string `yaml:"remove"`
	}
	ruleFile struct {
		Title    string        `yaml:"title"`
		Pass     string        `yaml:"pass"`
		Safety   string        `yaml:"safety"`
		Manual   string        `yaml:"manual"`
		Reboot   bool          `yaml:"reboot"`
		When     string        `yaml:"when"`
		Runtime  string        `yaml:"runtime"`
		Params   []string      `yaml:"params"`
		Packages *packagesFile `yaml:"packages"`
		Template *struct {
			Name string            `yaml:"name"`
			Vars map[string]string `yaml:"vars"`
		} `yaml:"template"`
	}
	sectionFile struct {
		Name   string  `yaml:"name"`
		Params []Param `yaml:"params"`
	}
	templateFile struct {
		Doc      string                 `yaml:"doc"`
		Vars     map[string]TemplateVar `yaml:"vars"`
		Check    string                 `yaml:"check"`
		Fix      string                 `yaml:"fix"`
		Runtime  string                 `yaml:"runtime"`
		Packages *packagesFile          `yaml:"packages"`
	}
	benchmarkFile struct {
		ID        string `yaml:"id"`
		Title     string `yaml:"title"`
		Version   string `yaml:"version"`
		OSID      string `yaml:"os_id"`
		VersionID string `yaml:"version_id"`
		Distro    string `yaml:"distro"`
		Platform  string `yaml:"platform"`
		Controls  []struct {
			ID          string `yaml:"id"`
			Rule        string `yaml:"rule"`
			Server      int    `yaml:"server"`
			Workstation int    `yaml:"workstation"`
		} `yaml:"controls"`
	}
)

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

// schema returns the compiled definition def of catalogue.schema.json.
func schema(def string) (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(catalogueSchema))
		if err != nil {
			schemaErr = fmt.Errorf("read catalogue.schema.json: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("catalogue.schema.json", doc); err != nil {
			schemaErr = fmt.Errorf("add catalogue.schema.json: %w", err)
			return
		}
		schemas = map[string]*jsonschema.Schema{}
		for _, d := range []string{"rule", "section", "template", "benchmark"} {
			s, err := c.Compile("catalogue.schema.json#/$defs/" + d)
			if err != nil {
				schemaErr = fmt.Errorf("compile catalogue.schema.json %s: %w", d, err)
				return
			}
			schemas[d] = s
		}
	})
	return schemas[def], schemaErr
}

// decode reads the YAML file name, validates it against the schema's
// definition def and decodes it into out.
func decode(fsys fs.FS, name, def string, out any) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("%s: not representable as JSON: %w", name, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	s, err := schema(def)
	if err != nil {
		return err
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("%s does not match the %s schema (catalogue.schema.json): %v", name, def, err)
	}
	if err := yaml.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readOptional returns the file's content, or "" when it does not exist.
func readOptional(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", err
	}
	return string(b), nil
}

// LoadFS loads a catalogue laid out as catalogue/README.md describes and
// reports every inconsistency at once.
func LoadFS(fsys fs.FS) (*Catalogue, error) {
	cat := &Catalogue{Templates: map[string]*Template{}, platforms: map[string]sourceFile{}}
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }

	for _, f := range []string{"lib/runtime.sh", "lib/systemd.sh"} {
		s, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("read the script library: %w", err)
		}
		cat.libFiles = append(cat.libFiles, sourceFile{f, string(s)})
	}

	tfiles, _ := fs.Glob(fsys, "templates/*.yml")
	for _, f := range tfiles {
		name := strings.TrimSuffix(path.Base(f), ".yml")
		var tf templateFile
		if err := decode(fsys, f, "template", &tf); err != nil {
			add("%v", err)
			continue
		}
		t, err := newTemplate(name, &tf)
		if err != nil {
			add("%s: %v", f, err)
			continue
		}
		cat.Templates[name] = t
	}

	sdirs, err := fs.ReadDir(fsys, "rules")
	if err != nil {
		return nil, fmt.Errorf("read the rules: %w", err)
	}
	for _, sd := range sdirs {
		if !sd.IsDir() {
			add("rules/%s: only section folders belong in rules/", sd.Name())
			continue
		}
		s, serrs := loadSection(fsys, cat, "rules/"+sd.Name())
		errs = append(errs, serrs...)
		if s != nil {
			cat.Sections = append(cat.Sections, s)
		}
	}

	bfiles, _ := fs.Glob(fsys, "benchmarks/*.yml")
	if len(bfiles) == 0 {
		add("benchmarks/: no benchmark mapping")
	}
	refs := map[string]map[Benchmark]Ref{}
	for _, f := range bfiles {
		var bf benchmarkFile
		if err := decode(fsys, f, "benchmark", &bf); err != nil {
			add("%v", err)
			continue
		}
		if f != "benchmarks/"+bf.ID+".yml" {
			add("%s: id %q: the file must be named benchmarks/<id>.yml", f, bf.ID)
		}
		if _, ok := cat.platforms[bf.Platform]; !ok {
			pf := "lib/platform/" + bf.Platform + ".sh"
			text, err := fs.ReadFile(fsys, pf)
			if err != nil {
				add("%s: platform: %q has no platform layer %s: %v", f, bf.Platform, pf, err)
			} else {
				cat.platforms[bf.Platform] = sourceFile{pf, string(text)}
			}
		}
		b := Benchmark(bf.ID)
		cat.Benchmarks = append(cat.Benchmarks, BenchmarkInfo{b, bf.Title, bf.Version, bf.OSID, bf.VersionID, bf.Distro, bf.Platform})
		for i, e := range bf.Controls {
			if refs[e.Rule] == nil {
				refs[e.Rule] = map[Benchmark]Ref{}
			}
			if _, dup := refs[e.Rule][b]; dup {
				add("%s: controls[%d]: rule %s is mapped twice", f, i, e.Rule)
			}
			refs[e.Rule][b] = Ref{ID: e.ID, Server: e.Server, Workstation: e.Workstation}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("control catalogue is inconsistent:\n  %s", strings.Join(errs, "\n  "))
	}
	return build(cat, refs)
}

var funcs = template.FuncMap{"q": sq}

func newTemplate(name string, tf *templateFile) (*Template, error) {
	t := &Template{Name: name, Doc: tf.Doc, Vars: tf.Vars}
	for n, v := range t.Vars {
		re, err := regexp.Compile(v.Pattern)
		if err != nil {
			return nil, fmt.Errorf("vars.%s.pattern: %w", n, err)
		}
		v.re = re
		t.Vars[n] = v
	}
	var pk packagesFile
	if tf.Packages != nil {
		pk = *tf.Packages
	}
	for _, x := range []struct {
		field string
		src   string
		dst   **template.Template
	}{{"check", tf.Check, &t.check}, {"fix", tf.Fix, &t.fix}, {"runtime", tf.Runtime, &t.runtime}, {"packages.install", pk.Install, &t.install}, {"packages.remove", pk.Remove, &t.remove}} {
		tt, err := template.New(x.field).Option("missingkey=error").Funcs(funcs).Parse(x.src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.field, err)
		}
		*x.dst = tt
	}
	return t, nil
}

// render fills c's shell bodies from the template and vars, after checking
// the vars against the template's.
func (t *Template) render(c *Control, vars map[string]string) error {
	var errs []string
	for n, v := range t.Vars {
		val, ok := vars[n]
		if !ok {
			errs = append(errs, fmt.Sprintf("template.vars.%s: missing (%s)", n, v.Doc))
		} else if !v.re.MatchString(val) {
			errs = append(errs, fmt.Sprintf("template.vars.%s: %q does not match %s", n, val, v.Pattern))
		}
	}
	for n := range vars {
		if _, ok := t.Vars[n]; !ok {
			errs = append(errs, fmt.Sprintf("template.vars.%s: template %s has no such variable", n, t.Name))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	for _, x := range []struct {
		t   *template.Template
		dst *string
	}{{t.check, &c.Check}, {t.fix, &c.Fix}, {t.runtime, &c.Runtime}, {t.install, &c.Install}, {t.remove, &c.Remove}} {
		var b strings.Builder
		if err := x.t.Execute(&b, vars); err != nil {
			return fmt.Errorf("template %s: %w", t.Name, err)
		}
		*x.dst = b.String()
	}
	c.Template, c.Vars = t.Name, vars
	return nil
}

// ruleFiles are the names a rule folder may hold.
var ruleFiles = map[string]bool{"rule.yml": true, "check.sh": true, "fix.sh": true, "tests": true}

// loadSection reads one section folder: section.yml, lib.sh and a folder
// per rule.
func loadSection(fsys fs.FS, cat *Catalogue, dir string) (*Section, []string) {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	var sf sectionFile
	if err := decode(fsys, dir+"/section.yml", "section", &sf); err != nil {
		return nil, []string{err.Error()}
	}
	lib, err := readOptional(fsys, dir+"/lib.sh")
	if err != nil {
		add("%s/lib.sh: %v", dir, err)
	}
	s := &Section{Name: sf.Name, Dir: dir, Lib: lib, Params: sf.Params}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, []string{err.Error()}
	}
	for _, e := range entries {
		if !e.IsDir() {
			if e.Name() != "section.yml" && e.Name() != "lib.sh" {
				add("%s/%s: a section folder holds section.yml, lib.sh and rule folders", dir, e.Name())
			}
			continue
		}
		rdir := dir + "/" + e.Name()
		c := Control{Rule: e.Name(), Dir: rdir}
		if err := loadRule(fsys, cat, rdir, &c); err != nil {
			add("%v", err)
			continue
		}
		s.Controls = append(s.Controls, c)
	}
	return s, errs
}

// loadRule reads a rule folder into c.
func loadRule(fsys fs.FS, cat *Catalogue, dir string, c *Control) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !ruleFiles[e.Name()] {
			return fmt.Errorf("%s/%s: a rule folder holds rule.yml, check.sh, fix.sh and tests/", dir, e.Name())
		}
	}
	var rf ruleFile
	if err := decode(fsys, dir+"/rule.yml", "rule", &rf); err != nil {
		return err
	}
	check, err := readOptional(fsys, dir+"/check.sh")
	if err != nil {
		return err
	}
	fix, err := readOptional(fsys, dir+"/fix.sh")
	if err != nil {
		return err
	}
	c.Title, c.Pass, c.Safety, c.Manual, c.Reboot, c.When, c.Params = rf.Title, rf.Pass, rf.Safety, rf.Manual, rf.Reboot, rf.When, rf.Params
	if rf.Runtime != "" && (rf.Manual != "" || !rf.Reboot) {
		return fmt.Errorf("%s/rule.yml: runtime: only a rule with reboot: true has a runtime check", dir)
	}
	switch {
	case rf.Manual != "":
		if check != "" || fix != "" || rf.Template != nil || rf.Packages != nil || rf.When != "" {
			return fmt.Errorf("%s: a manual rule has no check.sh, fix.sh, template, packages or when", dir)
		}
	case rf.Template != nil:
		if check != "" || fix != "" {
			return fmt.Errorf("%s: a rule on template %s has no check.sh or fix.sh", dir, rf.Template.Name)
		}
		t, ok := cat.Templates[rf.Template.Name]
		if !ok {
			return fmt.Errorf("%s/rule.yml: template.name: %q is not a template in templates/", dir, rf.Template.Name)
		}
		if err := t.render(c, rf.Template.Vars); err != nil {
			return fmt.Errorf("%s/rule.yml: %w", dir, err)
		}
		if rf.Runtime != "" {
			return fmt.Errorf("%s/rule.yml: runtime: a rule on template %s takes the template's runtime check", dir, rf.Template.Name)
		}
	default:
		if check == "" {
			return fmt.Errorf("%s: no check.sh and no template (every automated rule needs a check)", dir)
		}
		c.Check, c.Fix = strings.TrimRight(check, "\n"), strings.TrimRight(fix, "\n")
		if rf.Packages != nil {
			c.Install, c.Remove = rf.Packages.Install, rf.Packages.Remove
		}
		c.Runtime = rf.Runtime
	}
	// What takes effect at boot is judged on the running system after a
	// boot (the provisioner's reboot_and_audit), not only in its files.
	if c.Reboot && c.Manual == "" && c.Runtime == "" {
		return fmt.Errorf("%s/rule.yml: reboot: true needs a runtime check (runtime, or a template that has one)", dir)
	}
	return nil
}

// build indexes the loaded sections and benchmark references and reports
// every inconsistency at once.
func build(cat *Catalogue, refs map[string]map[Benchmark]Ref) (*Catalogue, error) {
	cat.Params, cat.byRule = map[string]*Param{}, map[string]*Control{}
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	sort.Slice(cat.Benchmarks, func(i, j int) bool { return cat.Benchmarks[i].ID < cat.Benchmarks[j].ID })
	for _, s := range cat.Sections {
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
	for _, s := range cat.Sections {
		for i := range s.Controls {
			c := &s.Controls[i]
			if !ruleRE.MatchString(c.Rule) {
				add("rule name %q: want lower-case letters, digits and _", c.Rule)
			}
			if other, dup := cat.byRule[c.Rule]; dup {
				add("rule %s defined twice (%s and %s)", c.Rule, other.Dir, c.Dir)
			}
			c.refs = refs[c.Rule]
			delete(refs, c.Rule)
			if len(c.refs) == 0 {
				add("rule %s: no benchmark maps it", c.Rule)
			}
			for b, r := range c.refs {
				if ids[b] == nil {
					ids[b] = map[string]string{}
				}
				if other, dup := ids[b][r.ID]; dup {
					add("%s %s claimed by both %s and %s", b, r.ID, other, c.Rule)
				}
				ids[b][r.ID] = c.Rule
			}
			used := map[string]bool{}
			for _, body := range []string{c.When, c.Check, c.Fix, c.Runtime, c.Install, c.Remove} {
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
	var unknown []string
	for r := range refs {
		unknown = append(unknown, r)
	}
	sort.Strings(unknown)
	for _, r := range unknown {
		add("benchmarks map rule %s, which is not in rules/", r)
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

// platformNames returns the platform families the benchmarks use, sorted.
func (cat *Catalogue) platformNames() []string {
	names := make([]string, 0, len(cat.platforms))
	for n := range cat.platforms {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Benchmark returns what the catalogue knows about b.
func (cat *Catalogue) Benchmark(b Benchmark) (BenchmarkInfo, bool) {
	for _, i := range cat.Benchmarks {
		if i.ID == b {
			return i, true
		}
	}
	return BenchmarkInfo{}, false
}
