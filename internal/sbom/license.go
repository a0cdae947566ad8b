package sbom

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// ParseCopyrightLicenses reads "<doc dir>\t<License: value>" lines, taken
// from machine-readable (DEP-5) /usr/share/doc/<package>/copyright files,
// and returns the license names each package declares, first seen first.
func ParseCopyrightLicenses(r io.Reader) (map[string][]string, error) {
	out := map[string][]string{}
	seen := map[string]bool{}
	err := lines(r, func(n int, line string) error {
		if line == "" {
			return nil
		}
		pkg, value, ok := strings.Cut(line, "\t")
		if !ok || pkg == "" || strings.Contains(pkg, "/") {
			return fmt.Errorf("copyright licenses line %d: %q is not \"package<TAB>license\"", n, short(line))
		}
		for _, name := range SplitLicenses(value) {
			if !seen[pkg+"\x00"+name] {
				seen[pkg+"\x00"+name] = true
				out[pkg] = append(out[pkg], name)
			}
		}
		return nil
	})
	return out, err
}

var licenseSep = regexp.MustCompile(`(?i)\s+(?:or|and)\s+|\s*[,|&;/]\s*|[()]`)

// SplitLicenses splits a declared license expression ("GPL-2+ or
// Artistic", "GPLv2+ and LGPLv2+", "MIT AND (BSD-2-Clause OR X11)") into
// license names; an exception ("with OpenSSL exception") belongs to the
// license before it and is dropped.
func SplitLicenses(expr string) []string {
	var out []string
	for _, part := range licenseSep.Split(expr, -1) {
		if i := strings.Index(strings.ToLower(part), " with "); i >= 0 {
			part = part[:i]
		}
		part = strings.TrimSpace(part)
		if part != "" && !strings.EqualFold(part, "or") && !strings.EqualFold(part, "and") {
			out = append(out, part)
		}
	}
	return out
}

// spdxAliases maps the names Debian copyright files, old Fedora/RHEL spec
// files and apk use to SPDX license identifiers (lower-cased keys).
var spdxAliases = map[string]string{
	"gpl-1": "GPL-1.0-only", "gpl-1+": "GPL-1.0-or-later", "gpl-1.0+": "GPL-1.0-or-later",
	"gpl-2": "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later", "gpl-2.0": "GPL-2.0-only", "gpl-2.0+": "GPL-2.0-or-later",
	"gpl-3": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later", "gpl-3.0": "GPL-3.0-only", "gpl-3.0+": "GPL-3.0-or-later",
	"gplv2": "GPL-2.0-only", "gplv2+": "GPL-2.0-or-later", "gplv3": "GPL-3.0-only", "gplv3+": "GPL-3.0-or-later", "gpl+": "GPL-1.0-or-later",
	"lgpl-2": "LGPL-2.0-only", "lgpl-2+": "LGPL-2.0-or-later", "lgpl-2.0": "LGPL-2.0-only", "lgpl-2.0+": "LGPL-2.0-or-later",
	"lgpl-2.1": "LGPL-2.1-only", "lgpl-2.1+": "LGPL-2.1-or-later", "lgpl-3": "LGPL-3.0-only", "lgpl-3+": "LGPL-3.0-or-later",
	"lgpl-3.0": "LGPL-3.0-only", "lgpl-3.0+": "LGPL-3.0-or-later",
	"lgplv2": "LGPL-2.0-only", "lgplv2+": "LGPL-2.0-or-later", "lgplv2.1": "LGPL-2.1-only", "lgplv2.1+": "LGPL-2.1-or-later",
	"lgplv3": "LGPL-3.0-only", "lgplv3+": "LGPL-3.0-or-later",
	"agpl-3": "AGPL-3.0-only", "agpl-3+": "AGPL-3.0-or-later", "agplv3": "AGPL-3.0-only", "agplv3+": "AGPL-3.0-or-later",
	"gfdl-1.2": "GFDL-1.2-only", "gfdl-1.2+": "GFDL-1.2-or-later", "gfdl-1.3": "GFDL-1.3-only", "gfdl-1.3+": "GFDL-1.3-or-later",
	"apache-2": "Apache-2.0", "apache-2.0": "Apache-2.0", "asl 2.0": "Apache-2.0", "apache 2.0": "Apache-2.0", "apache-1.1": "Apache-1.1",
	"artistic": "Artistic-1.0-Perl", "artistic-1.0": "Artistic-1.0", "artistic-2.0": "Artistic-2.0", "artistic 2.0": "Artistic-2.0",
	"bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause", "bsd-4-clause": "BSD-4-Clause", "0bsd": "0BSD",
	"expat": "MIT", "mit": "MIT", "x11": "X11", "isc": "ISC", "zlib": "Zlib", "libpng": "Libpng", "libpng-2.0": "libpng-2.0",
	"mpl-1.1": "MPL-1.1", "mpl-2.0": "MPL-2.0", "mplv1.1": "MPL-1.1", "mplv2.0": "MPL-2.0", "mpl 2.0": "MPL-2.0",
	"cc0-1.0": "CC0-1.0", "cc0": "CC0-1.0", "cc-by-3.0": "CC-BY-3.0", "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-3.0": "CC-BY-SA-3.0", "cc-by-sa-4.0": "CC-BY-SA-4.0",
	"psf-2": "PSF-2.0", "psf-2.0": "PSF-2.0", "python": "Python-2.0", "python-2.0": "Python-2.0",
	"openssl": "OpenSSL", "curl": "curl", "bsl-1.0": "BSL-1.0", "boost": "BSL-1.0",
	"fsfap": "FSFAP", "fsful": "FSFUL", "fsfullr": "FSFULLR", "unicode-dfs-2016": "Unicode-DFS-2016", "unlicense": "Unlicense",
	"wtfpl": "WTFPL", "postgresql": "PostgreSQL", "ofl-1.1": "OFL-1.1", "beerware": "Beerware", "sleepycat": "Sleepycat",
	"lppl-1.3c": "LPPL-1.3c", "ruby": "Ruby", "vim": "Vim", "bzip2-1.0.6": "bzip2-1.0.6", "ijg": "IJG", "ntp": "NTP",
	"epl-1.0": "EPL-1.0", "epl-2.0": "EPL-2.0", "cddl-1.0": "CDDL-1.0", "tcl": "TCL", "hpnd": "HPND", "mit-0": "MIT-0",
	"gpl-2.0-only": "GPL-2.0-only", "gpl-2.0-or-later": "GPL-2.0-or-later", "gpl-3.0-only": "GPL-3.0-only", "gpl-3.0-or-later": "GPL-3.0-or-later",
	"lgpl-2.1-only": "LGPL-2.1-only", "lgpl-2.1-or-later": "LGPL-2.1-or-later", "lgpl-3.0-only": "LGPL-3.0-only", "lgpl-3.0-or-later": "LGPL-3.0-or-later",
	"lgpl-2.0-only": "LGPL-2.0-only", "lgpl-2.0-or-later": "LGPL-2.0-or-later", "agpl-3.0-only": "AGPL-3.0-only", "agpl-3.0-or-later": "AGPL-3.0-or-later",
	"gpl-1.0-only": "GPL-1.0-only", "gpl-1.0-or-later": "GPL-1.0-or-later", "gfdl-1.3-only": "GFDL-1.3-only", "gfdl-1.3-or-later": "GFDL-1.3-or-later",
}

// SPDXLicense maps a declared license name to its SPDX identifier, if it
// has one this package knows.
func SPDXLicense(name string) (string, bool) {
	id, ok := spdxAliases[strings.ToLower(strings.TrimSpace(name))]
	return id, ok
}

// licenseRef makes a name into an SPDX LicenseRef- identifier.
func licenseRef(name string) string {
	var b strings.Builder
	for _, c := range name {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	return "LicenseRef-" + b.String()
}

// SPDXLicenseTargets lists every identifier SPDXLicense can return.
func SPDXLicenseTargets() []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range spdxAliases {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
