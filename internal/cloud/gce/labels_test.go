package gce_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
)

// numbered returns n labels k0=v ... k(n-1)=v.
func numbered(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("k%d", i)] = "v"
	}
	return m
}

func TestValidateLabels(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		name             string
		existing, labels map[string]string
		want             []string
	}{
		{name: "ok", existing: numbered(63), labels: map[string]string{"hardening-cis-score": "97_5"}},
		{name: "empty value", labels: map[string]string{"hardening-cis-passed": ""}},
		{name: "63 characters", labels: map[string]string{long[:63]: long[:63]}},
		{name: "replacing existing labels adds none", existing: numbered(64), labels: map[string]string{"k0": "w"}},
		{name: "uppercase key", labels: map[string]string{"Team": "x"},
			want: []string{`label key "Team" starts with 'T': keys start with a lowercase letter a-z`}},
		{name: "uppercase inside a key", labels: map[string]string{"teAm": "x"},
			want: []string{`label key "teAm" has 'A': keys have only a-z, 0-9, _ and -`}},
		{name: "key starts with a digit", labels: map[string]string{"1team": "x"},
			want: []string{`label key "1team" starts with '1'`}},
		{name: "key starts with an underscore", labels: map[string]string{"_team": "x"},
			want: []string{`label key "_team" starts with '_'`}},
		{name: "empty key", labels: map[string]string{"": "x"},
			want: []string{"label key is empty: keys have 1 to 63 characters"}},
		{name: "key too long", labels: map[string]string{long: "x"},
			want: []string{`label key "` + long + `" has 64 characters: keys have at most 63`}},
		{name: "key with a dot", labels: map[string]string{"team.name": "x"},
			want: []string{`label key "team.name" has '.'`}},
		{name: "international letters are rejected", labels: map[string]string{"équipe": "x"},
			want: []string{`label key "équipe" starts with 'é'`}},
		{name: "value too long", labels: map[string]string{"k": long},
			want: []string{`label k: value "` + long + `" has 64 characters: values have at most 63`}},
		{name: "uppercase value", labels: map[string]string{"team": "Platform"},
			want: []string{`label team: value "Platform" has 'P': values have only a-z, 0-9, _ and -`}},
		{name: "value with a slash", labels: map[string]string{"k": "gs://bucket"},
			want: []string{`label k: value "gs://bucket" has ':'`}},
		{name: "more than 64 labels", existing: numbered(63), labels: map[string]string{"a": "1", "b": "2"},
			want: []string{"the image would have 65 labels (63 existing, 2 new): at most 64 are allowed"}},
		{name: "every broken rule is reported", labels: map[string]string{"A": "x", "b": "Y"},
			want: []string{`label key "A"`, `label b: value "Y"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, gce.ValidateLabels(tt.existing, tt.labels), tt.want...)
		})
	}
}
