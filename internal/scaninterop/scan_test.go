package scaninterop_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
)

// match is one finding: the package as the SBOM lists it (name, installed
// version, the purl's arch) and the advisory's ID.
type match struct{ Package, Version, Arch, ID string }

func (m match) String() string {
	return fmt.Sprintf("%s %s (%s) %s", m.Package, m.Version, m.Arch, m.ID)
}

// wantMatches is what every scanner must report, exactly, for the Debian
// 12 packages of internal/sbom/testdata/dpkg-status against
// testdata/advisories.json; each row says how the advisory reaches the
// package. Every other advisory must not match:
//   - CVE-2023-48795, openssh fixed in 1:9.2p1-2+deb12u2, the installed
//     version: matches only if the epoch is lost (9.2p1-2+deb12u2 < 1:...);
//   - CVE-2023-4911, glibc fixed in 2.36-9+deb12u3, below the installed one;
//   - TEMP-0000000-000003, glibc in Debian 13;
//   - TEMP-0000000-000004, rsyslog: removed (config-files), not in the SBOM;
//   - CVE-2024-0727, openssl: not installed.
var wantMatches = []match{
	// source package util-linux 2.38.1-5 of a binNMU (+b1) whose binary
	// alone has an epoch: only the source version is below 2.38.1-5+deb12u1
	{"bsdutils", "1:2.38.1-5+b1", "amd64", "CVE-2024-28085"},
	// source package gcc-defaults 1.203 below 1.204; the binary's own
	// version has an epoch (4:12.2.0-3)
	{"g++", "4:12.2.0-3", "amd64", "TEMP-0000000-000002"},
	// source package glibc, for both architectures of libc6 (trivy: one,
	// see oneArch)
	{"libc6", "2.36-9+deb12u4", "amd64", "CVE-2024-2961"},
	{"libc6", "2.36-9+deb12u4", "i386", "CVE-2024-2961"},
	// source package openssh, a version with an epoch below 1:9.2p1-2+deb12u3
	{"openssh-server", "1:9.2p1-2+deb12u2", "amd64", "CVE-2024-6387"},
	// the binary package's own name (no Source field)
	{"tzdata", "2024a-0+deb12u1", "all", "TEMP-0000000-000001"},
}

// variants are the documents scanned: the golden ones, and two broken on
// purpose to show the test fails when the encoder loses what matching
// needs. Without source packages only the advisory keyed by the binary's
// own name is found; without epochs the Terrapin fix is above the
// installed version, an extra match.
var variants = []struct {
	name   string
	mutate func(*sbom.Package)
	want   []match
}{
	{name: "golden", want: wantMatches},
	{
		name:   "without source packages",
		mutate: func(p *sbom.Package) { p.SourceName, p.SourceVersion = "", "" },
		want:   []match{{"tzdata", "2024a-0+deb12u1", "all", "TEMP-0000000-000001"}},
	},
	{
		name: "without epochs",
		mutate: func(p *sbom.Package) {
			p.Version, p.SourceVersion = dropEpoch(p.Version), dropEpoch(p.SourceVersion)
		},
		want: []match{
			{"bsdutils", "2.38.1-5+b1", "amd64", "CVE-2024-28085"},
			{"g++", "12.2.0-3", "amd64", "TEMP-0000000-000002"},
			{"libc6", "2.36-9+deb12u4", "amd64", "CVE-2024-2961"},
			{"libc6", "2.36-9+deb12u4", "i386", "CVE-2024-2961"},
			{"openssh-server", "9.2p1-2+deb12u2", "amd64", "CVE-2023-48795"},
			{"openssh-server", "9.2p1-2+deb12u2", "amd64", "CVE-2024-6387"},
			{"tzdata", "2024a-0+deb12u1", "all", "TEMP-0000000-000001"},
		},
	},
}

// oneArch keeps one of the matches of one package name, version and
// advisory, the first or the last: trivy keeps one package per name and
// version, on an image as from an SBOM. From an SBOM it keeps the first
// (pkg/fanal/applier/docker.go de-duplicates by the package ID,
// name@version), libc6:amd64 in our sorted documents; from a dpkg status
// file the last (its dpkg analyzer maps packages by that ID), libc6:i386.
func oneArch(ms []match, last bool) []match {
	var out []match
	for _, m := range ms {
		i := slices.IndexFunc(out, func(o match) bool {
			return o.Package == m.Package && o.Version == m.Version && o.ID == m.ID
		})
		switch {
		case i < 0:
			out = append(out, m)
		case last:
			out[i] = m
		}
	}
	return out
}

func dropEpoch(v string) string {
	if _, rest, ok := strings.Cut(v, ":"); ok {
		return rest
	}
	return v
}

// TestScannersMatchExactly runs grype on the CycloneDX and SPDX documents
// and on the CycloneDX document converted by `syft convert` to syft-json,
// and trivy on the CycloneDX and SPDX documents, all offline against the
// fixture databases, and compares what each reports with the table.
func TestScannersMatchExactly(t *testing.T) {
	tl := scannerTools(t)
	dbs := fixtureDatabases(t, tl)
	for _, v := range variants {
		d := documents(t, v.mutate)
		for _, s := range scans {
			t.Run(v.name+"/"+s.name, func(t *testing.T) {
				start := time.Now()
				got := s.run(t, tl, dbs, d)
				t.Logf("%s: %d matches in %s", s.name, len(got), time.Since(start).Round(time.Millisecond))
				want := v.want
				if s.oneArch {
					want = oneArch(want, false)
				}
				if diff := diffMatches(got, want); diff != "" {
					t.Errorf("%s on the %s documents:\n%s", s.name, v.name, diff)
				}
			})
		}
	}
}

// TestImageScanFindsTheSame scans what the golden documents were made
// from, the os-release and dpkg status in a directory laid out as an
// image (grype dir:, trivy rootfs), and requires the same matches as from
// the documents: an SBOM scan finds what an image scan finds.
func TestImageScanFindsTheSame(t *testing.T) {
	tl := scannerTools(t)
	dbs := fixtureDatabases(t, tl)
	root := t.TempDir()
	for dst, src := range map[string]string{
		"etc/os-release": "os-release-debian12", "var/lib/dpkg/status": "dpkg-status",
	} {
		b, err := os.ReadFile(filepath.Join("../sbom/testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, dst), b)
	}
	// trivy's Debian analyzer needs the point release file too.
	writeFile(t, filepath.Join(root, "etc/debian_version"), []byte("12.5\n"))
	if diff := diffMatches(grype(t, tl, dbs, "dir:"+root), wantMatches); diff != "" {
		t.Errorf("grype on the image's package database:\n%s", diff)
	}
	if diff := diffMatches(trivy(t, tl, dbs, "rootfs", root), oneArch(wantMatches, true)); diff != "" {
		t.Errorf("trivy on the image's package database:\n%s", diff)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tools are the stock scanners and the fixture writer.
type tools struct{ grype, syft, trivy, vulnfixture string }

// scannerTools finds the binaries scripts/tools.sh builds into
// $HARDENING_TOOLS_DIR (by default the cache directory the GNUmakefile
// uses), never a scanner on PATH: the table holds for the pinned versions.
// Without them the test is skipped, unless HARDENING_E2E is set: make test
// builds them first, so there a missing binary is a failure.
func scannerTools(t *testing.T) tools {
	t.Helper()
	dir := os.Getenv("HARDENING_TOOLS_DIR")
	if dir == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				t.Fatalf("find the tools directory: %v", err)
			}
			cache = filepath.Join(home, ".cache")
		}
		dir = filepath.Join(cache, "packer-plugin-hardening", "bin")
	}
	tl := tools{
		grype: filepath.Join(dir, "grype"), syft: filepath.Join(dir, "syft"),
		trivy: filepath.Join(dir, "trivy"), vulnfixture: filepath.Join(dir, "vulnfixture"),
	}
	var missing []string
	for _, p := range []string{tl.grype, tl.syft, tl.trivy, tl.vulnfixture} {
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
			missing = append(missing, filepath.Base(p))
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("%s not in %s (scripts/tools.sh scanners builds them)", strings.Join(missing, ", "), dir)
		if os.Getenv("HARDENING_E2E") != "" {
			t.Fatal(msg + "; HARDENING_E2E is set, so this is a failure")
		}
		t.Skip(msg)
	}
	// The fixture writer must be the build of today's sources, as tools.sh
	// names it, not one left from before an edit.
	if want, err := vulnfixtureBuild(); err != nil {
		t.Fatal(err)
	} else if got, _ := os.Readlink(tl.vulnfixture); got != want {
		t.Fatalf("%s is %q, not the build of tools/vulnfixture as it is now (%s): run scripts/tools.sh scanners", tl.vulnfixture, got, want)
	}
	return tl
}

// vulnfixtureBuild is the file name scripts/tools.sh gives the build of
// tools/vulnfixture: a digest of its go.mod, go.sum and Go files.
func vulnfixtureBuild() (string, error) {
	src := filepath.Join("..", "..", "tools", "vulnfixture")
	goFiles, err := filepath.Glob(filepath.Join(src, "*.go"))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range append([]string{filepath.Join(src, "go.mod"), filepath.Join(src, "go.sum")}, goFiles...) {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("digest tools/vulnfixture: %w", err)
		}
		h.Write(b)
	}
	return "vulnfixture-" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// databases are the cache directories the scanners read offline.
type databases struct{ grype, trivy string }

// fixtureDatabases writes the advisories into a grype and a trivy database.
func fixtureDatabases(t *testing.T, tl tools) databases {
	t.Helper()
	dir := t.TempDir()
	dbs := databases{grype: filepath.Join(dir, "grype"), trivy: filepath.Join(dir, "trivy")}
	start := time.Now()
	run(t, baseEnv(t), tl.vulnfixture, "-in", filepath.Join("testdata", "advisories.json"), "-grype", dbs.grype, "-trivy", dbs.trivy)
	t.Logf("fixture databases written in %s", time.Since(start).Round(time.Millisecond))
	return dbs
}

// docs are the paths of one variant's documents.
type docs struct{ cdx, spdx string }

// documents returns the golden CycloneDX and SPDX documents of
// internal/sbom (the encoder's output for its Debian test data, compared
// byte for byte by its TestGolden) or, with mutate, the encoder's
// documents for the same packages changed by mutate.
func documents(t *testing.T, mutate func(*sbom.Package)) docs {
	t.Helper()
	const golden = "../sbom/testdata"
	if mutate == nil {
		return docs{cdx: filepath.Join(golden, "debian.cdx.json"), spdx: filepath.Join(golden, "debian.spdx.json")}
	}
	osRelease, err := os.ReadFile(filepath.Join(golden, "os-release-debian12"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := sbom.ParseOSRelease(osRelease)
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile(filepath.Join(golden, "dpkg-status"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(status))
	if err != nil {
		t.Fatal(err)
	}
	for i := range pkgs {
		mutate(&pkgs[i])
	}
	d := sbom.Document{
		OS: o, Packages: pkgs, Tool: sbom.Tool{Name: "packer-plugin-hardening", Version: "0.1.0"},
		Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), SerialUUID: "5d0c4d6e-8f0a-4c59-9a43-4f3c1f3f0a01",
	}
	dir := t.TempDir()
	out := docs{cdx: filepath.Join(dir, "sbom.cdx.json"), spdx: filepath.Join(dir, "sbom.spdx.json")}
	for path, encode := range map[string]func(sbom.Document) ([]byte, error){out.cdx: sbom.CycloneDX, out.spdx: sbom.SPDX} {
		b, err := encode(d)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, b)
	}
	return out
}

// scans are the ways users feed the documents to the scanners, with the
// commands of docs/guides/auditor.md plus machine-readable output.
// oneArch marks trivy, which keeps one package per name and version.
var scans = []struct {
	name    string
	oneArch bool
	run     func(*testing.T, tools, databases, docs) []match
}{
	{"grype on CycloneDX", false, func(t *testing.T, tl tools, dbs databases, d docs) []match {
		return grype(t, tl, dbs, "sbom:"+d.cdx)
	}},
	{"grype on SPDX", false, func(t *testing.T, tl tools, dbs databases, d docs) []match {
		return grype(t, tl, dbs, "sbom:"+d.spdx)
	}},
	{"grype on CycloneDX converted to syft-json", false, func(t *testing.T, tl tools, dbs databases, d docs) []match {
		out := filepath.Join(t.TempDir(), "sbom.syft.json")
		env := append(baseEnv(t), "SYFT_CHECK_FOR_APP_UPDATE=false")
		run(t, env, tl.syft, "convert", d.cdx, "-q", "-o", "syft-json="+out)
		return grype(t, tl, dbs, "sbom:"+out)
	}},
	{"trivy on CycloneDX", true, func(t *testing.T, tl tools, dbs databases, d docs) []match {
		return trivy(t, tl, dbs, "sbom", d.cdx)
	}},
	{"trivy on SPDX", true, func(t *testing.T, tl tools, dbs databases, d docs) []match {
		return trivy(t, tl, dbs, "sbom", d.spdx)
	}},
}

// grype scans source (sbom:FILE, dir:DIR) offline: no database update or
// age check, no update check of grype itself.
func grype(t *testing.T, tl tools, dbs databases, source string) []match {
	t.Helper()
	env := append(baseEnv(t),
		"GRYPE_DB_CACHE_DIR="+dbs.grype,
		"GRYPE_DB_AUTO_UPDATE=false",
		"GRYPE_DB_VALIDATE_AGE=false",
		"GRYPE_DB_REQUIRE_UPDATE_CHECK=false",
		"GRYPE_CHECK_FOR_APP_UPDATE=false",
	)
	out := run(t, env, tl.grype, source, "-q", "-o", "json")
	var report struct {
		Matches []struct {
			Vulnerability struct {
				ID string `json:"id"`
			} `json:"vulnerability"`
			Artifact struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				PURL    string `json:"purl"`
			} `json:"artifact"`
		} `json:"matches"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("decode grype's report: %v", err)
	}
	var got []match
	for _, m := range report.Matches {
		got = append(got, match{m.Artifact.Name, m.Artifact.Version, purlArch(t, m.Artifact.PURL), m.Vulnerability.ID})
	}
	return got
}

// trivy scans target with its command (sbom FILE, rootfs DIR) offline:
// the fixture database, no download of the vulnerability or Java
// databases, no version check or telemetry.
func trivy(t *testing.T, tl tools, dbs databases, command, target string) []match {
	t.Helper()
	out := run(t, baseEnv(t), tl.trivy, command, "--cache-dir", dbs.trivy,
		"--skip-db-update", "--skip-java-db-update", "--offline-scan", "--skip-version-check", "--disable-telemetry",
		"--scanners", "vuln", "--format", "json", "--quiet", target)
	var report struct {
		Results []struct {
			Vulnerabilities []struct {
				VulnerabilityID  string
				PkgName          string
				InstalledVersion string
				PkgIdentifier    struct{ PURL string }
			}
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("decode trivy's report: %v", err)
	}
	var got []match
	for _, r := range report.Results {
		for _, v := range r.Vulnerabilities {
			got = append(got, match{v.PkgName, v.InstalledVersion, purlArch(t, v.PkgIdentifier.PURL), v.VulnerabilityID})
		}
	}
	return got
}

// purlArch is the arch qualifier of a purl.
func purlArch(t *testing.T, purl string) string {
	t.Helper()
	_, query, _ := strings.Cut(purl, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Errorf("purl %q: %v", purl, err)
	}
	return q.Get("arch")
}

// baseEnv is a clean environment: a fresh home, so no user configuration
// or cache of the scanners is read.
func baseEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "TMPDIR=" + os.TempDir(),
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	}
}

// Bounds on a tool run: the reports of a few packages are some KiB.
const (
	runTimeout = 3 * time.Minute
	maxStdout  = 16 << 20
	maxStderr  = 64 << 10
)

// run runs a tool with env and returns its standard output, failing the
// test with its standard error when it fails, overruns its time or
// writes more than the bounds.
func run(t *testing.T, env []string, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	stdout, stderr := &capped{max: maxStdout}, &capped{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	name := filepath.Base(bin) + " " + strings.Join(args, " ")
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s: no result within %s\n%s", name, runTimeout, stderr.buf.String())
	case err != nil:
		t.Fatalf("%s: %v\n%s", name, err, stderr.buf.String())
	case stdout.over:
		t.Fatalf("%s: more than %d MiB of output", name, maxStdout>>20)
	}
	return stdout.buf.Bytes()
}

// capped keeps the first max bytes written and drops the rest, so a tool
// gone wrong cannot fill memory; over says something was dropped.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if len(p) > room {
		c.over = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.buf.Write(p)
}

// diffMatches lists what want has and got lacks, and the reverse; repeats
// count, so a match reported twice is a difference.
func diffMatches(got, want []match) string {
	count := map[match]int{}
	for _, m := range want {
		count[m]++
	}
	for _, m := range got {
		count[m]--
	}
	var missing, extra []string
	for m, n := range count {
		for ; n > 0; n-- {
			missing = append(missing, "  "+m.String())
		}
		for ; n < 0; n++ {
			extra = append(extra, "  "+m.String())
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	slices.Sort(missing)
	slices.Sort(extra)
	var b strings.Builder
	if len(missing) > 0 {
		fmt.Fprintf(&b, "missing (expected, not reported):\n%s\n", strings.Join(missing, "\n"))
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, "unexpected (reported, not expected):\n%s\n", strings.Join(extra, "\n"))
	}
	return b.String()
}
