// Command vulnfixture writes small vulnerability databases for grype and
// trivy from a JSON list of Debian advisories, with the scanners' own
// database-building code: grype's vunnel workspace writer and DB v6
// builder (github.com/anchore/grype/grype/db), and trivy-db's bolt
// operations and build steps (github.com/aquasecurity/trivy-db). The
// scanner interoperability tests of the plugin's SBOMs
// (internal/scaninterop) scan against them, offline.
//
// It is its own module so that grype's and trivy's dependencies never enter
// the plugin's go.mod; scripts/tools.sh builds it into the tools cache.
//
//	vulnfixture -in advisories.json -grype GRYPE_DB_CACHE_DIR -trivy TRIVY_CACHE_DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"
)

// Fixture is the input file.
type Fixture struct {
	// Built is the databases' build time (grype's and trivy's metadata):
	// fixed, so equal input gives equal records.
	Built      time.Time  `json:"built"`
	Advisories []Advisory `json:"advisories"`
}

// Advisory is one Debian security tracker entry: a source package of one
// release fixed in one version.
type Advisory struct {
	ID string `json:"id"`
	// Release is the Debian major version ("12").
	Release string `json:"release"`
	// Package is the source package name, as the tracker keys it.
	Package string `json:"package"`
	// Fixed is the first fixed Debian version, epoch included.
	Fixed string `json:"fixed"`
	// Severity is one of low, medium, high, critical.
	Severity    string `json:"severity"`
	Description string `json:"description"`
}

// maxInput bounds the input file: a fixture is a few KiB.
const maxInput = 1 << 20

var (
	idRE      = regexp.MustCompile(`^(CVE-[0-9]{4}-[0-9]{4,}|TEMP-[0-9]{7}-[0-9A-F]{6})$`)
	releaseRE = regexp.MustCompile(`^[0-9]{1,2}$`)
	packageRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	versionRE = regexp.MustCompile(`^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$`)
)

var severities = map[string]bool{"low": true, "medium": true, "high": true, "critical": true}

func readFixture(path string) (Fixture, error) {
	f, err := os.Open(path)
	if err != nil {
		return Fixture{}, fmt.Errorf("open fixture: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInput+1))
	if err != nil {
		return Fixture{}, fmt.Errorf("read fixture %s: %w", path, err)
	}
	if len(b) > maxInput {
		return Fixture{}, fmt.Errorf("fixture %s is larger than %d KiB", path, maxInput>>10)
	}
	var fx Fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		return Fixture{}, fmt.Errorf("decode fixture %s: %w", path, err)
	}
	if fx.Built.IsZero() {
		return Fixture{}, fmt.Errorf("fixture %s: built is missing: want an RFC 3339 time", path)
	}
	if len(fx.Advisories) == 0 {
		return Fixture{}, fmt.Errorf("fixture %s: no advisories", path)
	}
	seen := map[string]bool{}
	for i, a := range fx.Advisories {
		var bad string
		switch {
		case !idRE.MatchString(a.ID):
			bad = fmt.Sprintf("id %q: want CVE-YYYY-N or TEMP-NNNNNNN-XXXXXX", a.ID)
		case !releaseRE.MatchString(a.Release):
			bad = fmt.Sprintf("release %q: want a Debian major version such as 12", a.Release)
		case !packageRE.MatchString(a.Package):
			bad = fmt.Sprintf("package %q: want a Debian source package name", a.Package)
		case !versionRE.MatchString(a.Fixed):
			bad = fmt.Sprintf("fixed %q: want a Debian version such as 1:9.2p1-2+deb12u3", a.Fixed)
		case !severities[a.Severity]:
			bad = fmt.Sprintf("severity %q: want low, medium, high or critical", a.Severity)
		}
		key := a.ID + " " + a.Release + " " + a.Package
		if bad == "" && seen[key] {
			bad = fmt.Sprintf("%s for %s in Debian %s is listed twice", a.ID, a.Package, a.Release)
		}
		if bad != "" {
			return Fixture{}, fmt.Errorf("fixture %s: advisory %d: %s", path, i, bad)
		}
		seen[key] = true
	}
	return fx, nil
}

func main() {
	in := flag.String("in", "", "the advisories (JSON)")
	grypeDir := flag.String("grype", "", "write grype's database here (GRYPE_DB_CACHE_DIR)")
	trivyDir := flag.String("trivy", "", "write trivy's database here (trivy --cache-dir)")
	flag.Parse()
	if *in == "" || (*grypeDir == "" && *trivyDir == "") || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: vulnfixture -in advisories.json [-grype DIR] [-trivy DIR]")
		os.Exit(2)
	}
	if err := run(*in, *grypeDir, *trivyDir); err != nil {
		fmt.Fprintln(os.Stderr, "vulnfixture:", err)
		os.Exit(1)
	}
}

func run(in, grypeDir, trivyDir string) error {
	fx, err := readFixture(in)
	if err != nil {
		return err
	}
	if grypeDir != "" {
		if err := writeGrype(fx, grypeDir); err != nil {
			return fmt.Errorf("write grype database: %w", err)
		}
	}
	if trivyDir != "" {
		if err := writeTrivy(fx, trivyDir); err != nil {
			return fmt.Errorf("write trivy database: %w", err)
		}
	}
	return nil
}
