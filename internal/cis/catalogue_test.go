package cis

import (
	"bufio"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

func mustLoad(t *testing.T) *Catalogue {
	t.Helper()
	cat, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestCoverageOfEveryRecommendation checks the catalogue against the
// list of recommendations of each benchmark (testdata/benchmark-ids.tsv):
// every section number is claimed by exactly one control, with the
// benchmark's levels, and no control claims a number the benchmark lacks.
func TestCoverageOfEveryRecommendation(t *testing.T) {
	cat := mustLoad(t)
	f, err := os.Open("testdata/benchmark-ids.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[Benchmark]map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		b := tsvBenchmark[fields[0]]
		if want[b] == nil {
			want[b] = map[string]string{}
		}
		want[b][fields[1]] = fields[2]
	}
	for _, bi := range cat.Benchmarks {
		b := bi.ID
		got := map[string]string{}
		for _, c := range cat.Controls {
			if r, ok := c.refs[b]; ok {
				got[r.ID] = levels(r)
				if lv, ok := want[b][r.ID]; !ok {
					t.Errorf("%s %s (%s): no such recommendation in the benchmark", b, r.ID, c.Rule)
				} else if lv != levels(r) {
					t.Errorf("%s %s (%s): levels %s, the benchmark says %s", b, r.ID, c.Rule, levels(r), lv)
				}
			}
		}
		var missing []string
		for id := range want[b] {
			if _, ok := got[id]; !ok {
				missing = append(missing, id)
			}
		}
		sort.Slice(missing, func(i, j int) bool { return CompareIDs(missing[i], missing[j]) < 0 })
		if len(missing) > 0 {
			t.Errorf("%s: %d of %d recommendations have no control: %s", b, len(missing), len(want[b]), strings.Join(missing, " "))
		}
	}
}

// tsvBenchmark maps the short names of testdata/benchmark-ids.tsv.
var tsvBenchmark = map[string]Benchmark{"d12": "debian12", "u22": "ubuntu2204", "u24": "ubuntu2404"}

func levels(r Ref) string {
	s := ""
	if r.Server > 0 {
		s += "s" + string(rune('0'+r.Server))
	}
	if r.Workstation > 0 {
		s += "w" + string(rune('0'+r.Workstation))
	}
	return s
}

// TestLoadRejectsBadCatalogues checks that each kind of mistake in the
// catalogue's files is reported with the file and the field.
func TestLoadRejectsBadCatalogues(t *testing.T) {
	base := func() fstest.MapFS {
		m, err := libFS()
		if err != nil {
			t.Fatal(err)
		}
		for p, f := range (fstest.MapFS{
			"templates/kmod.yml":       {Data: []byte("doc: a module\nvars:\n  module: {doc: name, pattern: '^[a-z]+$'}\ncheck: kmod_disabled {{.module}}\nfix: kmod_disable {{.module}}\n")},
			"rules/1_s/section.yml":    {Data: []byte("name: s\n")},
			"rules/1_s/r_one/rule.yml": {Data: []byte("title: one\ntemplate: {name: kmod, vars: {module: cramfs}}\n")},
			"rules/1_s/r_two/rule.yml": {Data: []byte("title: two\n")},
			"rules/1_s/r_two/check.sh": {Data: []byte("return 0\n")},
			"benchmarks/b12.yml":       {Data: []byte("id: b12\ntitle: B\nversion: '1.0'\nos_id: b\nversion_id: '12'\ndistro: B 12\nplatform: debian\ncontrols:\n  - {id: '1.1', rule: r_one, server: 1}\n  - {id: '1.2', rule: r_two, workstation: 2}\n")},
		}) {
			m[p] = f
		}
		return m
	}
	cat, err := LoadFS(base())
	if err != nil {
		t.Fatalf("the base catalogue does not load: %v", err)
	}
	if c, _ := cat.Control("r_one"); c.Check != "kmod_disabled cramfs" || c.Fix != "kmod_disable cramfs" || c.Template != "kmod" {
		t.Errorf("template rendered as %+v", c)
	}
	cases := []struct {
		name   string
		change func(fstest.MapFS)
		want   string
	}{
		{"unknown field", func(m fstest.MapFS) { m["rules/1_s/r_two/rule.yml"].Data = []byte("title: two\nlevel: 1\n") }, "rules/1_s/r_two/rule.yml does not match the rule schema"},
		{"unknown template", func(m fstest.MapFS) {
			m["rules/1_s/r_one/rule.yml"].Data = []byte("title: one\ntemplate: {name: nope, vars: {}}\n")
		}, `template.name: "nope" is not a template`},
		{"template var pattern", func(m fstest.MapFS) {
			m["rules/1_s/r_one/rule.yml"].Data = []byte("title: one\ntemplate: {name: kmod, vars: {module: 'a; rm -rf /'}}\n")
		}, `template.vars.module: "a; rm -rf /" does not match ^[a-z]+$`},
		{"template var missing and extra", func(m fstest.MapFS) {
			m["rules/1_s/r_one/rule.yml"].Data = []byte("title: one\ntemplate: {name: kmod, vars: {mod: x}}\n")
		}, "template.vars.mod: template kmod has no such variable"},
		{"template and check.sh", func(m fstest.MapFS) { m["rules/1_s/r_one/check.sh"] = &fstest.MapFile{Data: []byte("true\n")} }, "a rule on template kmod has no check.sh"},
		{"no check", func(m fstest.MapFS) { delete(m, "rules/1_s/r_two/check.sh") }, "rules/1_s/r_two: no check.sh and no template"},
		{"manual with check", func(m fstest.MapFS) { m["rules/1_s/r_two/rule.yml"].Data = []byte("title: two\nmanual: do it\n") }, "a manual rule has no check.sh"},
		{"stray file", func(m fstest.MapFS) { m["rules/1_s/r_two/notes.txt"] = &fstest.MapFile{Data: []byte("x")} }, "rules/1_s/r_two/notes.txt: a rule folder holds"},
		{"rule in no benchmark", func(m fstest.MapFS) {
			m["rules/1_s/r_three/rule.yml"] = &fstest.MapFile{Data: []byte("title: three\n")}
			m["rules/1_s/r_three/check.sh"] = &fstest.MapFile{Data: []byte("true\n")}
		}, "rule r_three: no benchmark maps it"},
		{"mapping of an unknown rule", func(m fstest.MapFS) {
			m["benchmarks/b12.yml"].Data = append(m["benchmarks/b12.yml"].Data, []byte("  - {id: '1.3', rule: r_nope, server: 1}\n")...)
		}, "benchmarks map rule r_nope, which is not in rules/"},
		{"id claimed twice", func(m fstest.MapFS) {
			m["benchmarks/b12.yml"].Data = []byte(strings.Replace(string(m["benchmarks/b12.yml"].Data), "'1.2'", "'1.1'", 1))
		}, "b12 1.1 claimed by both"},
		{"unknown platform", func(m fstest.MapFS) {
			m["benchmarks/b12.yml"].Data = []byte(strings.Replace(string(m["benchmarks/b12.yml"].Data), "platform: debian", "platform: rhel", 1))
		}, `platform: "rhel" has no platform layer lib/platform/rhel.sh`},
		{"benchmark file name", func(m fstest.MapFS) {
			m["benchmarks/b13.yml"] = m["benchmarks/b12.yml"]
			delete(m, "benchmarks/b12.yml")
		}, "the file must be named benchmarks/<id>.yml"},
		{"undefined parameter", func(m fstest.MapFS) { m["rules/1_s/r_two/check.sh"].Data = []byte("[ \"$P_nope\" = 1 ]\n") }, "rule r_two: reads $P_nope, which is not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.change(m)
			_, err := LoadFS(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestCatalogueOnDiskIsEmbedded checks that every file of the catalogue
// folder (but the rule tests) is in the embedded copy, so a file the embed
// patterns miss cannot silently drop out of the plugin.
func TestCatalogueOnDiskIsEmbedded(t *testing.T) {
	err := fs.WalkDir(os.DirFS("catalogue"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "/tests/") {
			return err
		}
		if _, err := fs.Stat(catalogueFS(), p); err != nil {
			t.Errorf("%s is not embedded: add it to the go:embed patterns of catalogue.go", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
