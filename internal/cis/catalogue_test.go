package cis

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"
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
		b := shortBenchmark[fields[0]]
		if want[b] == nil {
			want[b] = map[string]string{}
		}
		want[b][fields[1]] = fields[2]
	}
	for _, b := range Benchmarks {
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
