package sbom

import (
	"fmt"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom/sbomtest"
)

func TestLicenseNames(t *testing.T) {
	for _, tc := range []struct {
		p    Package
		want string
	}{
		{Package{Type: "deb", Licenses: []string{"GPL-2+ or Artistic", "BSD-3-clause and GPL-2+ with OpenSSL exception"}}, "[GPL-2+ Artistic BSD-3-clause]"},
		{Package{Type: "deb", Licenses: []string{"GPL-2+ or Artistic-2.0, and BSD-3-clause", "(LGPL-2.1+ OR MIT)"}}, "[GPL-2+ Artistic-2.0 BSD-3-clause LGPL-2.1+ MIT]"},
		{Package{Type: "rpm", Licenses: []string{"GPLv2 and Redistributable, no modification permitted"}}, "[GPLv2 Redistributable, no modification permitted]"},
		{Package{Type: "rpm", Licenses: []string{"BSD-2-Clause, MIT and (GPLv2+ or LGPLv2+ with exceptions)"}}, "[BSD-2-Clause MIT GPLv2+ LGPLv2+]"},
		{Package{Type: "rpm", Licenses: []string{"GPL-3.0-or-later AND LGPL-3.0-or-later AND (GPL-3.0-or-later WITH GCC-exception-3.1)"}}, "[GPL-3.0-or-later LGPL-3.0-or-later]"},
		{Package{Type: "apk", Licenses: []string{"GPL-2.0-only AND (MIT OR BSD-2-Clause)"}}, "[GPL-2.0-only MIT BSD-2-Clause]"},
		{Package{Type: "apk", Licenses: []string{"MIT BSD GPL2+"}}, "[MIT BSD GPL2+]"},
		{Package{Type: "apk", Licenses: []string{"GPL-2.0-or-later WITH Linux-syscall-note"}}, "[GPL-2.0-or-later]"},
		{Package{Type: "apk"}, "[]"},
	} {
		if got := fmt.Sprint(licenseNames(tc.p)); got != tc.want {
			t.Errorf("%s %q: %s, want %s", tc.p.Type, tc.p.Licenses, got, tc.want)
		}
	}
}

func TestSPDXLicense(t *testing.T) {
	for name, want := range map[string]string{
		// Debian short names.
		"GPL-2+": "GPL-2.0-or-later", "GPL-2": "GPL-2.0-only", "LGPL-2.1+": "LGPL-2.1-or-later", "LGPL-2.1": "LGPL-2.1-only",
		"Expat": "MIT", "BSD-3-clause": "BSD-3-Clause", "BSD-2-clause": "BSD-2-Clause", "Apache-2.0": "Apache-2.0",
		"Artistic": "Artistic-1.0-Perl", "Zlib": "Zlib", "GFDL-1.2+": "GFDL-1.2-or-later", "ISC": "ISC",
		// Old Fedora/RHEL names.
		"GPLv2+": "GPL-2.0-or-later", "GPLv3": "GPL-3.0-only", "GPL+": "GPL-1.0-or-later", "LGPLv2+": "LGPL-2.0-or-later",
		"LGPLv2.1": "LGPL-2.1-only", "MIT": "MIT", "ASL 2.0": "Apache-2.0", "MPLv2.0": "MPL-2.0", "Boost": "BSL-1.0",
		// Already SPDX, deprecated SPDX, any case, surrounding space.
		"GPL-3.0-or-later": "GPL-3.0-or-later", "gpl-2.0": "GPL-2.0-only", "GPL-2.0+": "GPL-2.0-or-later",
		" bsd-2-clause-patent ": "BSD-2-Clause-Patent", "curl": "curl", "OpenSSL": "OpenSSL",
	} {
		if got, ok := SPDXLicense(name); !ok || got != want {
			t.Errorf("SPDXLicense(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	// No SPDX id, or too vague to pick one.
	for _, name := range []string{"public-domain", "Public Domain", "BSD", "GPL", "Redistributable, no modification permitted", "custom", ""} {
		if id, ok := SPDXLicense(name); ok {
			t.Errorf("SPDXLicense(%q) = %q, want none", name, id)
		}
	}
}

// TestSPDXLicenseIDsInCycloneDXEnum: every id SPDXLicense can return is in
// the SPDX enum of cyclonedx-go's schema/spdx.schema.json, so a CycloneDX
// license.id is always schema-valid.
func TestSPDXLicenseIDsInCycloneDXEnum(t *testing.T) {
	enum := sbomtest.SPDXLicenseIDs(t)
	targets := map[string]bool{}
	for _, id := range spdxIDs {
		targets[id] = true
	}
	for alias, id := range licenseAliases {
		if !targets[id] {
			t.Errorf("alias %q maps to %q, which is not in spdxIDs", alias, id)
		}
	}
	for id := range targets {
		if !enum[id] {
			t.Errorf("%s is not an SPDX license id in CycloneDX's spdx.schema.json", id)
		}
		if got, ok := SPDXLicense(id); !ok || got != id {
			t.Errorf("SPDXLicense(%q) = %q, %v", id, got, ok)
		}
	}
	// And what SPDXLicense returns for any key is one of them.
	for key := range spdxByLower {
		if id, _ := SPDXLicense(key); !targets[id] {
			t.Errorf("SPDXLicense(%q) = %q, not a target", key, id)
		}
	}
}

func TestLicenseRef(t *testing.T) {
	l := newLicenseRefs()
	if got := l.declared(Package{Type: "deb", Licenses: []string{"GPL-2+", "public-domain", "public domain", "Expat", "MIT", "public-domain"}}); got != "GPL-2.0-or-later AND LicenseRef-public-domain AND LicenseRef-public-domain-2 AND MIT" {
		t.Errorf("declared: %s", got)
	}
	if got := l.declared(Package{Type: "rpm"}); got != "NOASSERTION" {
		t.Errorf("no licenses: %s", got)
	}
	ex := l.extracted()
	if len(ex) != 2 || ex[0].LicenseID != "LicenseRef-public-domain" || ex[0].Name != "public-domain" || ex[1].Name != "public domain" {
		t.Errorf("extracted: %+v", ex)
	}
}
