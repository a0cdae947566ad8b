package attest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"crypto"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
	"github.com/imagesmith/packer-plugin-hardening/version"
)

// provenance builds the SLSA predicate shared by every image of the build;
// signAll adds each image's source image.
func (p *PostProcessor) provenance(ev *buildEvidence, finished time.Time) (*attest.Provenance, error) {
	c := &p.config
	tmpl, err := templateFiles(c.TemplatePath)
	if err != nil {
		return nil, err
	}
	vars, omitted := publicVariables(c.Variables, c.PackerSensitiveVars, sensitiveValues(c.PackerSensitiveVars, c.PackerUserVars, os.Getenv))
	pv := &attest.Provenance{}
	bd := &pv.BuildDefinition
	bd.BuildType = attest.BuildType
	bd.ExternalParameters = attest.ExternalParameters{
		Template: tmpl, BuildName: c.PackerBuildName, BuilderType: c.PackerBuilderType,
		Variables: vars, Sensitive: omitted,
	}
	if i := strings.LastIndex(c.PackerBuildName, "."); i > 0 {
		bd.ExternalParameters.SourceName = c.PackerBuildName[i+1:]
	}
	bd.InternalParameters.PackerVersion = c.PackerCoreVersion
	plugin := attest.ResourceDescriptor{Name: "packer-plugin-hardening",
		URI: "pkg:golang/github.com/imagesmith/packer-plugin-hardening@v" + version.PluginVersion.String()}
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(exe); err == nil {
			plugin.Digest = map[string]string{"sha256": attest.SHA256(b)}
		}
	}
	bd.ResolvedDependencies = append(bd.ResolvedDependencies, plugin)
	if c.PackerCoreVersion != "" {
		bd.ResolvedDependencies = append(bd.ResolvedDependencies, attest.ResourceDescriptor{Name: "packer", URI: "pkg:generic/packer@" + c.PackerCoreVersion})
	}
	rd := &pv.RunDetails
	rd.Builder = attest.Builder{ID: builderID(c.BuilderID), Version: map[string]string{"packer-plugin-hardening": version.PluginVersion.String()}}
	if c.PackerCoreVersion != "" {
		rd.Builder.Version["packer"] = c.PackerCoreVersion
	}
	rd.Metadata = attest.BuildMetadata{InvocationID: invocationID(os.Getenv("PACKER_RUN_UUID")), FinishedOn: finished.UTC()}
	started := finished.UTC()
	if ev.cis != nil {
		bd.InternalParameters.CISProfile = ev.cis.Profile
		bd.InternalParameters.CISBenchmark = strings.TrimSpace(ev.cis.Benchmark.ID + " " + ev.cis.Benchmark.Version)
		bd.InternalParameters.CISMode = ev.cis.Mode
		bd.ResolvedDependencies = append(bd.ResolvedDependencies, attest.ResourceDescriptor{Name: "hardening-script",
			URI: evidence.CISScriptFile, Digest: map[string]string{"sha256": ev.cis.Script.SHA256}})
		rd.Byproducts = append(rd.Byproducts, attest.ResourceDescriptor{Name: "cis-results", URI: evidence.CISResultsFile,
			Digest: map[string]string{"sha256": attest.SHA256(ev.cisRaw)}})
		if t := ev.cis.GeneratedAt.Add(-time.Duration(ev.cis.Execution.WallMS) * time.Millisecond); t.Before(started) {
			started = t.UTC()
		}
	}
	if ev.fin != nil {
		bd.ResolvedDependencies = append(bd.ResolvedDependencies, attest.ResourceDescriptor{Name: "finalize-script",
			URI: evidence.FinalizeScriptFile, Digest: map[string]string{"sha256": ev.fin.Script.SHA256}})
		rd.Byproducts = append(rd.Byproducts,
			attest.ResourceDescriptor{Name: "fs-manifest", URI: evidence.ManifestFile, Digest: map[string]string{"sha256": ev.fin.Manifest.SHA256}},
			attest.ResourceDescriptor{Name: "sbom-cyclonedx", URI: evidence.CycloneDXFile, Digest: map[string]string{"sha256": ev.fin.SBOM.CycloneDX.SHA256}},
			attest.ResourceDescriptor{Name: "sbom-spdx", URI: evidence.SPDXFile, Digest: map[string]string{"sha256": ev.fin.SBOM.SPDX.SHA256}})
		if t := ev.fin.GeneratedAt.Add(-time.Duration(ev.fin.Execution.WallMS) * time.Millisecond); t.Before(started) {
			started = t.UTC()
		}
	}
	rd.Metadata.StartedOn = started
	return pv, nil
}

// signAll signs every statement of every image, Parallelism at a time, and
// verifies each bundle with the public key before anything is published.
func signAll(images []*image, ev *buildEvidence, prov *attest.Provenance, signer crypto.Signer, parallelism int) error {
	type job struct {
		im   *image
		slot int
		kind int
		pred []byte
	}
	var jobs []job
	for _, im := range images {
		preds := make([][]byte, len(layout.Kinds))
		pv := *prov
		pv.BuildDefinition.ResolvedDependencies = append([]attest.ResourceDescriptor(nil), prov.BuildDefinition.ResolvedDependencies...)
		if im.sourceURI != "" {
			pv.BuildDefinition.ResolvedDependencies = append([]attest.ResourceDescriptor{{Name: "source-image", URI: im.sourceURI}}, pv.BuildDefinition.ResolvedDependencies...)
		}
		b, err := json.Marshal(&pv)
		if err != nil {
			return fmt.Errorf("encode provenance: %w", err)
		}
		preds[0] = b
		if ev.fin != nil {
			preds[1], preds[2] = ev.cdx, ev.spdx
		}
		if ev.cis != nil {
			preds[3] = ev.cisRaw
		}
		for k, pred := range preds {
			if pred == nil {
				continue
			}
			jobs = append(jobs, job{im: im, slot: len(im.bundles), kind: k, pred: pred})
			im.bundles = append(im.bundles, bundle{})
		}
	}
	pub := signer.Public()
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			k := layout.Kinds[j.kind]
			st, err := attest.NewStatement(k.PredicateType, j.pred, j.im.subject)
			if err == nil {
				var b []byte
				if b, err = attest.Sign(signer, st); err == nil {
					// Verify what was signed before anyone can see it.
					var got *attest.Statement
					if got, err = attest.Verify(b, pub, j.im.subject.Digest["sha256"]); err == nil && got.PredicateType != k.PredicateType {
						err = fmt.Errorf("verified statement has predicate type %s", got.PredicateType)
					}
					j.im.bundles[j.slot] = bundle{kind: k.Name, predicateType: k.PredicateType, cosignType: k.CosignType, file: k.File, data: b, sha256: attest.SHA256(b)}
				}
			}
			if err != nil {
				errs[i] = fmt.Errorf("sign %s statement for %s: %w", k.Name, j.im.ref, err)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// templateFiles digests the template file, or the template files of a
// directory (*.pkr.hcl, *.pkr.json, *.pkrvars.hcl; not recursive).
func templateFiles(path string) (attest.Template, error) {
	t := attest.Template{Path: path, Files: []attest.ResourceDescriptor{}}
	st, err := os.Stat(path)
	if err != nil {
		return t, fmt.Errorf("template_path: %w", err)
	}
	var files []string
	if st.IsDir() {
		for _, pat := range []string{"*.pkr.hcl", "*.pkr.json", "*.pkrvars.hcl"} {
			m, _ := filepath.Glob(filepath.Join(path, pat))
			files = append(files, m...)
		}
		sort.Strings(files)
	} else {
		files = []string{path}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return t, fmt.Errorf("template_path: %w", err)
		}
		t.Files = append(t.Files, attest.ResourceDescriptor{URI: filepath.ToSlash(f), Digest: map[string]string{"sha256": attest.SHA256(b)}})
	}
	return t, nil
}

// publicVariables returns the entries of vars, the only variables ever
// recorded, that may be public: it drops every entry named like a
// sensitive variable (var.NAME or NAME) and every entry whose value equals
// or contains a known sensitive value. The second result names the dropped
// entries, never their values.
func publicVariables(vars map[string]string, sensitive, values []string) (map[string]string, []string) {
	sens := map[string]bool{}
	for _, s := range sensitive {
		sens[strings.TrimPrefix(s, "var.")] = true
	}
	out := map[string]string{}
	var omitted []string
	for k, v := range vars {
		if sens[strings.TrimPrefix(k, "var.")] || slices.ContainsFunc(values, func(secret string) bool { return strings.Contains(v, secret) }) {
			omitted = append(omitted, k)
			continue
		}
		out[k] = v
	}
	sort.Strings(omitted)
	return out, omitted
}

// sensitiveValues are the values of the sensitive variables that the plugin
// can see. Packer passes a post-processor the names of sensitive variables
// only; the values reach it as user variables from JSON templates and as
// PKR_VAR_NAME in the environment Packer and its plugins share. A value
// given with -var or a var file cannot be seen.
func sensitiveValues(names []string, userVars map[string]string, getenv func(string) string) []string {
	var values []string
	for _, n := range names {
		n = strings.TrimPrefix(n, "var.")
		for _, v := range []string{userVars[n], getenv("PKR_VAR_" + n)} {
			if v != "" {
				values = append(values, v)
			}
		}
	}
	return values
}

// builderID is the configured builder.id or the detected CI platform's.
func builderID(configured string) string {
	switch {
	case configured != "":
		return configured
	case os.Getenv("GITHUB_ACTIONS") == "true":
		env := os.Getenv("RUNNER_ENVIRONMENT")
		if env == "" {
			env = "self-hosted"
		}
		return "https://github.com/actions/runner/" + env
	case os.Getenv("GITLAB_CI") == "true" && os.Getenv("CI_SERVER_URL") != "":
		return os.Getenv("CI_SERVER_URL") + "/-/runners/" + os.Getenv("CI_RUNNER_ID")
	}
	return "https://github.com/imagesmith/packer-plugin-hardening/builders/local"
}

// invocationID is the CI run's URL when there is one, else the Packer run.
func invocationID(run string) string {
	if s, r, id := os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_RUN_ID"); s != "" && r != "" && id != "" {
		u := s + "/" + r + "/actions/runs/" + id
		if a := os.Getenv("GITHUB_RUN_ATTEMPT"); a != "" {
			u += "/attempts/" + a
		}
		return u
	}
	if u := os.Getenv("CI_JOB_URL"); u != "" {
		return u
	}
	return "urn:uuid:" + run
}
