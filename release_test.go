package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// repoURL is where the docs' absolute links point: the registry publishes
// only .web-docs/, so anything else is linked on GitHub.
const repoURL = "https://github.com/imagesmith/packer-plugin-hardening/"

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestWebDocsLinks (issue 17, item 6): every link of the pages the
// integration registry publishes works there: a registry path, an anchor,
// or an absolute URL; links into this repository name a file or folder
// that exists on main.
func TestWebDocsLinks(t *testing.T) {
	pages, _ := filepath.Glob(".web-docs/README.md")
	more, _ := filepath.Glob(".web-docs/components/*/*/README.md")
	pages = append(pages, more...)
	if len(pages) != 5 {
		t.Fatalf("found %d registry pages: %v", len(pages), pages)
	}
	repoLinks := 0
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(b), -1) {
			link := m[1]
			switch {
			case strings.HasPrefix(link, "#"), strings.HasPrefix(link, "/packer/integrations/imagesmith/hardening/"):
			case strings.HasPrefix(link, repoURL):
				repoLinks++
				path := strings.TrimPrefix(link, repoURL)
				path, _, _ = strings.Cut(path, "#")
				rest, ok := strings.CutPrefix(path, "blob/main/")
				if !ok {
					rest, ok = strings.CutPrefix(path, "tree/main/")
				}
				if _, err := os.Stat(rest); !ok || err != nil {
					t.Errorf("%s: %s does not name a path on main (%v)", p, link, err)
				}
			case strings.HasPrefix(link, "https://"):
			default:
				t.Errorf("%s: link %q is relative: the registry does not publish it", p, link)
			}
		}
	}
	if repoLinks < 6 {
		t.Errorf("only %d links into the repository; the README links the guides, predicates, schemas, verify and CIS reference", repoLinks)
	}
}

// TestRequiredPluginsPessimistic: every required_plugins example pins a
// major version with `~>`, as HashiCorp's examples do.
func TestRequiredPluginsPessimistic(t *testing.T) {
	version := regexp.MustCompile(`(?m)^\s*version\s*=\s*"([^"]*)"`)
	var files []string
	for _, pat := range []string{"example/*.pkr.hcl", "example/*/*.pkr.hcl", "example/*/*/*.pkr.hcl", "docs/README.md", ".web-docs/README.md"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "required_plugins") {
			continue
		}
		for _, m := range version.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !strings.HasPrefix(m[1], "~> ") {
				t.Errorf("%s: version = %q, want a ~> constraint", f, m[1])
			}
		}
	}
	if seen < 8 {
		t.Errorf("checked only %d required_plugins versions", seen)
	}
}

// TestReleaseWorkflow: the release workflow gives GoReleaser what
// .goreleaser.yml reads, signs the checksums, and notifies the registry
// under metadata.hcl's identifier after the release.
func TestReleaseWorkflow(t *testing.T) {
	var wf struct {
		On   map[string]any `yaml:"on"`
		Jobs map[string]struct {
			Needs any `yaml:"needs"`
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	b, err := os.ReadFile(".github/workflows/release.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatalf("release.yml: %v", err)
	}
	gr, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(".web-docs/metadata.hcl")
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`identifier\s*=\s*"([^"]+)"`).FindSubmatch(meta)
	if id == nil {
		t.Fatal("metadata.hcl has no identifier")
	}
	if _, ok := wf.On["push"]; !ok {
		t.Errorf("release.yml does not run on a tag push: %v", wf.On)
	}
	var goreleaserEnv map[string]string
	var notified, generateCheck bool
	for name, job := range wf.Jobs {
		for _, s := range job.Steps {
			switch {
			case strings.HasPrefix(s.Uses, "goreleaser/goreleaser-action@"):
				goreleaserEnv = s.Env
				if !strings.Contains(s.With["args"], "release") {
					t.Errorf("goreleaser step args %q", s.With["args"])
				}
			case s.Uses == "./integration-release-action":
				notified = true
				if s.With["integration_identifier"] != string(id[1]) {
					t.Errorf("notifies %q, metadata.hcl says %q", s.With["integration_identifier"], id[1])
				}
				if job.Needs != "goreleaser" {
					t.Errorf("job %s notifies the registry without waiting for the release (needs %v)", name, job.Needs)
				}
			case strings.Contains(s.Run, "make generate-check"):
				generateCheck = true
			}
		}
	}
	if !notified || !generateCheck {
		t.Errorf("release.yml: registry notified %v, generate-check %v", notified, generateCheck)
	}
	for _, env := range regexp.MustCompile(`\.Env\.([A-Z_]+)`).FindAllStringSubmatch(string(gr), -1) {
		if goreleaserEnv[env[1]] == "" {
			t.Errorf(".goreleaser.yml reads %s, which the workflow does not set", env[1])
		}
	}
	for _, want := range []string{"signs:", "artifacts: checksum", "_SHA256SUMS", "{{ .ProjectName }}_v{{ .Version }}_{{ .Env.API_VERSION }}_{{ .Os }}_{{ .Arch }}"} {
		if !strings.Contains(string(gr), want) {
			t.Errorf(".goreleaser.yml lacks %q", want)
		}
	}
	if goreleaserEnv["GITHUB_TOKEN"] == "" {
		t.Errorf("goreleaser cannot publish without GITHUB_TOKEN: env %v", goreleaserEnv)
	}
}
