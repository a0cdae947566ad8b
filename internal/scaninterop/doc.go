// Package scaninterop holds the interoperability tests of the plugin's
// SBOMs with the real vulnerability scanners: stock grype, syft and trivy
// (built by scripts/tools.sh), run offline against small vulnerability
// databases that tools/vulnfixture writes with the scanners' own
// database-building code. The tests assert the exact set of matches from
// the CycloneDX and SPDX documents the plugin's encoder (internal/sbom)
// writes, directly and after `syft convert` to syft-json. The package has
// no code of its own: it imports neither grype nor trivy, only runs them.
package scaninterop
