package cis

import (
	"reflect"
	"testing"
)

func TestAddAfterBoot(t *testing.T) {
	build := []Result{
		{Rule: "fixed_ok", Level: 1, Status: Fixed, RebootRequired: true},
		{Rule: "fixed_not_in_effect", Level: 1, Status: Fixed, RebootRequired: true},
		{Rule: "pass_broken", Level: 1, Status: Pass},
		{Rule: "l2_broken", Level: 2, Status: Pass},
		{Rule: "included_broken", Level: 2, Included: true, Status: Pass},
		{Rule: "failing_still", Level: 1, Status: Fail},
		{Rule: "failing_now_passes", Level: 1, Status: Fail},
		{Rule: "waived", Level: 1, Status: Waived, Observed: Fail},
		{Rule: "missing", Level: 1, Status: Pass},
	}
	boot := []Result{
		{Rule: "fixed_ok", Status: Pass, Evidence: "running: 0"},
		{Rule: "fixed_not_in_effect", Status: Fail, Evidence: "running: 1"},
		{Rule: "pass_broken", Status: Error},
		{Rule: "l2_broken", Status: Fail},
		{Rule: "included_broken", Status: Fail},
		{Rule: "failing_still", Status: Fail},
		{Rule: "failing_now_passes", Status: Pass},
		{Rule: "waived", Status: Waived, Observed: Pass},
	}
	names := func(rs []Result) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Rule)
		}
		return out
	}
	tests := []struct {
		failOn string
		want   []string
	}{
		{FailOnLevel1, []string{"fixed_not_in_effect", "pass_broken", "missing"}},
		{FailOnProfile, []string{"fixed_not_in_effect", "pass_broken", "l2_broken", "included_broken", "missing"}},
		{FailOnNone, nil},
	}
	for _, tt := range tests {
		b := append([]Result(nil), build...)
		got := AddAfterBoot(b, boot, tt.failOn)
		if !reflect.DeepEqual(names(got), tt.want) {
			t.Errorf("fail_on %s: regressions %v, want %v", tt.failOn, names(got), tt.want)
		}
		after := map[string]*AfterBoot{}
		for _, r := range b {
			after[r.Rule] = r.AfterBoot
		}
		for rule, want := range map[string]AfterBoot{
			"fixed_ok":            {Status: Pass, Evidence: "running: 0"},
			"fixed_not_in_effect": {Status: Fail, Evidence: "running: 1", Regression: true},
			"l2_broken":           {Status: Fail, Regression: true},
			"failing_still":       {Status: Fail},
			"failing_now_passes":  {Status: Pass},
			"waived":              {Status: Pass},
			"missing":             {Status: Error, Evidence: "no result in the after-boot audit", Regression: true},
		} {
			if got := after[rule]; got == nil || *got != want {
				t.Errorf("fail_on %s: %s after boot = %+v, want %+v", tt.failOn, rule, got, want)
			}
		}
	}
}
