package cis

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNewPlanRejectsBadInput(t *testing.T) {
	cat, err := testCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		opts Options
		want []string
	}{
		{"unknown skip rule", Options{Waivers: []Waiver{{Rule: "t_nope", Reason: "x"}}}, []string{`skip[0].rule: "t_nope" is not a rule name`}},
		{"skip without reason", Options{Waivers: []Waiver{{Rule: "t_fixable"}}}, []string{`skip[0].reason: skipping "t_fixable" needs a reason`}},
		{"skipped twice", Options{Waivers: []Waiver{{Rule: "t_fixable", Reason: "a"}, {Rule: "t_fixable", Reason: "b"}}}, []string{`skip[1].rule: "t_fixable" is skipped twice`}},
		{"unknown include", Options{Include: []string{"t_nope"}}, []string{`include[0]: "t_nope" is not a rule name`}},
		{"unknown parameter", Options{Params: map[string]string{"nope": "1"}}, []string{"parameters.nope: unknown parameter"}},
		{"int of wrong type", Options{Params: map[string]string{"t_value": "ninety"}}, []string{`parameters.t_value: "ninety" is not an integer`}},
		{"enum out of range", Options{Params: map[string]string{"t_alt": "c"}}, []string{`parameters.t_alt: "c" is not one of a, b`}},
		{"bad cloud", Options{Cloud: "azure"}, []string{`cloud: "azure" is not a cloud preset; accepted: auto, aws, gcp, none`}},
		{"every error at once", Options{Cloud: "x", Include: []string{"y"}, Waivers: []Waiver{{Rule: "z"}}}, []string{"cloud:", "include[0]", "skip[0].rule", "skip[0].reason"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Profile, opts.Now = Profiles[0], now
			if opts.Cloud == "" {
				opts.Cloud = "none"
			}
			_, err := NewPlan(cat, opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestNewPlanSelectsProfileIncludesAndWaivers(t *testing.T) {
	cat, err := testCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	plan, err := NewPlan(cat, Options{
		Profile: Profiles[0], Cloud: "none", Now: now, Include: []string{"t_level2"},
		Waivers: []Waiver{
			{Rule: "t_fixable", Reason: "current", Expires: now.AddDate(0, 0, 1)},
			{Rule: "t_passing", Reason: "old", Expires: now.AddDate(0, 0, -1)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sel := map[string]Planned{}
	for _, p := range plan.Controls[Ubuntu2404] {
		sel[p.Control.Rule] = p
	}
	if p := sel["t_level2"]; !p.Included || p.Level != 2 {
		t.Errorf("included control: %+v", p)
	}
	if sel["t_fixable"].Waiver == nil {
		t.Error("a current waiver was not applied")
	}
	if sel["t_passing"].Waiver != nil || len(plan.Expired) != 1 || plan.Expired[0].Rule != "t_passing" {
		t.Errorf("expired waiver: applied=%v expired=%v", sel["t_passing"].Waiver, plan.Expired)
	}
	l2, err := NewPlan(cat, Options{Profile: Profiles[1], Cloud: "none", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if n1, n2 := len(plan.Controls[Debian12]), len(l2.Controls[Debian12]); n1 != n2 || n2 != 10 {
		t.Errorf("level 1 + include: %d controls, level 2: %d; want 10 each", n1, n2)
	}
}

func TestParseRejectsIncompleteOutput(t *testing.T) {
	_, plan := testPlan(t, Options{})
	start := `{"t":"start","bench":"debian12","os":"Debian","chroot":1,"cloud":"none","mode":"remediate","uid":0}` + "\n"
	ctl := func(rule string) string {
		return `{"t":"control","rule":"` + rule + `","before":0,"after":0,"fix":-1,"ms":1,"evidence_before":"","evidence":"ok","action":""}` + "\n"
	}
	var all string
	for _, p := range plan.Controls[Debian12] {
		if p.Control.Automated() {
			all += ctl(p.Control.Rule)
		}
	}
	done := `{"t":"done","ms":5}` + "\n"
	cases := []struct {
		name, out string
		want      error
	}{
		{"nothing", "", ErrIncomplete},
		{"no done line", start + all, ErrIncomplete},
		{"a control missing", start + ctl("t_fixable") + done, ErrIncomplete},
		{"unsupported", `{"t":"fatal","reason":"unsupported distribution X"}` + "\n", ErrUnsupported},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(strings.NewReader(tc.out), plan); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	for name, out := range map[string]string{
		"unplanned control": start + all + ctl("t_level2") + done,
		"duplicate control": start + all + ctl("t_fixable") + done,
		"not JSON":          start + "garbage\n",
		"unknown benchmark": strings.Replace(start, "debian12", "fedora40", 1),
		"line too long":     start + `{"t":"control","rule":"` + strings.Repeat("x", maxLineBytes) + `"}` + "\n",
		"unknown lists":     start + `{"t":"packages","install":"aide","rc":0,"ms":9,"lists":"stale"}` + "\n" + all + done,
	} {
		if _, err := Parse(strings.NewReader(out), plan); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	run, err := Parse(strings.NewReader(start+all+done), plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Results) != len(plan.Controls[Debian12]) {
		t.Errorf("%d results for %d planned controls", len(run.Results), len(plan.Controls[Debian12]))
	}
	if run.Packages != nil {
		t.Errorf("a run without a package step has packages: %+v", run.Packages)
	}
	// The package step's parts reach the results.
	pk := `{"t":"packages","install":"aide chrony","remove":"","rc":0,"ms":75000,"lists":"updated","prefetched":true,"update_ms":4700,"download_ms":2200,"install_ms":73500,"remove_ms":0,"log":"x"}` + "\n"
	run, err = Parse(strings.NewReader(start+pk+all+done), plan)
	if err != nil {
		t.Fatal(err)
	}
	want := Packages{Installed: []string{"aide", "chrony"}, Removed: []string{}, DurationMS: 75000, Lists: "updated", Prefetched: true, UpdateMS: 4700, DownloadMS: 2200, InstallMS: 73500, Log: "x"}
	if run.Packages == nil || !reflect.DeepEqual(*run.Packages, want) {
		t.Errorf("packages %+v, want %+v", run.Packages, want)
	}
}

// FuzzParse feeds arbitrary guest output to the parser: it must never
// panic, and output it accepts must account for every planned control.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"t":"start","bench":"debian12","os":"D","chroot":1,"cloud":"none","mode":"audit","uid":0}` + "\n" + `{"t":"done","ms":1}`))
	f.Add([]byte(`{"t":"control","rule":"t_fixable","before":1,"after":0,"fix":0}`))
	f.Add([]byte(`{"t":"packages","install":"a b","remove":"","rc":0,"ms":3,"log":"x"}`))
	f.Add([]byte(`{"t":"packages","install":"a","rc":0,"ms":3,"lists":"fresh","prefetched":true,"update_ms":0,"download_ms":1,"install_ms":2,"remove_ms":0}`))
	f.Add([]byte(`{"t":"fatal","reason":"no"}`))
	f.Add([]byte("\x00\xff{\n}\n"))
	cat, err := testCatalogue()
	if err != nil {
		f.Fatal(err)
	}
	plan, err := NewPlan(cat, Options{Profile: Profiles[0], Cloud: "none"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := Parse(bytes.NewReader(data), plan)
		if err != nil {
			return
		}
		if len(run.Results) != len(plan.Controls[run.Benchmark]) {
			t.Fatalf("accepted output with %d results for %d planned controls", len(run.Results), len(plan.Controls[run.Benchmark]))
		}
	})
}

func TestParamValidate(t *testing.T) {
	cases := []struct {
		p     Param
		value string
		ok    bool
	}{
		{Param{Name: "n", Type: Int, Min: 1, Max: 10}, "5", true},
		{Param{Name: "n", Type: Int, Min: 1, Max: 10}, "11", false},
		{Param{Name: "b", Type: Bool}, "yes", false},
		{Param{Name: "l", Type: List}, "22 443 8080", true},
		{Param{Name: "l", Type: List}, "22; rm -rf /", false},
		{Param{Name: "s", Type: String}, "Authorised use only.\nAll activity is logged.", true},
	}
	for _, tc := range cases {
		if err := tc.p.Validate(tc.value); (err == nil) != tc.ok {
			t.Errorf("%s %q: err %v, want ok=%v", tc.p.Type, tc.value, err, tc.ok)
		}
	}
}
