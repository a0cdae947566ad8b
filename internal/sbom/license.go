package sbom

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
)

// ParseCopyrightLicenses reads "<doc dir name>\t<License: value>" lines,
// taken from machine-readable (DEP-5) /usr/share/doc/<package>/copyright
// files, and returns the license names each package declares, unique, in
// the order first seen.
func ParseCopyrightLicenses(r io.Reader) (map[string][]string, error) {
	out := map[string][]string{}
	seen := map[[2]string]bool{}
	err := lines(r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		pkg, value, ok := strings.Cut(line, "\t")
		if !ok || pkg == "" || strings.ContainsAny(pkg, "/ ") {
			return fmt.Errorf("line %d: %q is not \"package<TAB>license\"", n, short(line))
		}
		for _, name := range splitDEP5(value) {
			if k := [2]string{pkg, name}; !seen[k] {
				seen[k] = true
				out[pkg] = append(out[pkg], name)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copyright licenses: %w", err)
	}
	return out, nil
}

var (
	// DEP-5: names joined by "or" and "and", commas for precedence; some
	// files add parentheses.
	dep5Sep = regexp.MustCompile(`(?i)\s+(?:or|and)\s+|,|\(|\)`)
	// Old Fedora and new SPDX expressions in rpm LICENSE: commas are part
	// of some old names ("Redistributable, no modification permitted").
	rpmSep  = regexp.MustCompile(`(?i)\s+(?:or|and)\s+|\(|\)`)
	withSep = regexp.MustCompile(`(?i)\s+with\s+`)
)

// splitDEP5 splits a DEP-5 License value ("GPL-2+ or Artistic",
// "BSD-3-clause and GPL-2+ with OpenSSL exception") into license names.
// An exception belongs to the license before it and is dropped.
func splitDEP5(expr string) []string {
	var out []string
	for _, part := range dep5Sep.Split(expr, -1) {
		if name := dropException(part); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// splitRPMLicense splits an rpm LICENSE ("GPLv2+ and (LGPLv2+ or MIT)",
// "GPL-2.0-or-later AND MIT"). A comma splits only when every piece is a
// known license ("BSD, MIT"), so old names with commas stay whole.
func splitRPMLicense(expr string) []string {
	var out []string
	for _, part := range rpmSep.Split(expr, -1) {
		name := dropException(part)
		if name == "" {
			continue
		}
		pieces, known := strings.Split(name, ","), true
		for i := range pieces {
			pieces[i] = strings.TrimSpace(pieces[i])
			_, ok := SPDXLicense(pieces[i])
			known = known && ok
		}
		if len(pieces) > 1 && known {
			out = append(out, pieces...)
		} else {
			out = append(out, name)
		}
	}
	return out
}

// splitAPKLicense splits an apk L: value: an SPDX expression
// ("GPL-2.0-only AND (MIT OR BSD-2-Clause)") or, in older packages, names
// separated by spaces ("MIT BSD GPL2+").
func splitAPKLicense(expr string) []string {
	var out []string
	skip := false
	for _, tok := range strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(expr)) {
		switch {
		case skip:
			skip = false
		case strings.EqualFold(tok, "AND"), strings.EqualFold(tok, "OR"):
		case strings.EqualFold(tok, "WITH"):
			skip = true // the exception
		default:
			out = append(out, tok)
		}
	}
	return out
}

func dropException(part string) string {
	if loc := withSep.FindStringIndex(part); loc != nil {
		part = part[:loc[0]]
	}
	part = strings.TrimFunc(part, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' })
	if strings.EqualFold(part, "or") || strings.EqualFold(part, "and") {
		return ""
	}
	return part
}

// licenseNames returns p's declared license names, split as its package
// manager writes them, unique, in order.
func licenseNames(p Package) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range p.Licenses {
		var names []string
		switch p.Type {
		case "rpm":
			names = splitRPMLicense(l)
		case "apk":
			names = splitAPKLicense(l)
		default:
			names = splitDEP5(l)
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// spdxIDs are the SPDX license identifiers SPDXLicense returns, chosen
// for what distributions declare; each is in the SPDX license list (a test
// checks them against CycloneDX's copy of it).
var spdxIDs = []string{
	"0BSD", "AFL-2.1", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.0", "Apache-1.1", "Apache-2.0",
	"APSL-2.0", "Artistic-1.0", "Artistic-1.0-Perl", "Artistic-2.0", "Beerware", "BSD-1-Clause", "BSD-2-Clause",
	"BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "BSD-4-Clause-UC", "BSD-Source-Code",
	"BSL-1.0", "bzip2-1.0.6", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CC-PDDC",
	"CDDL-1.0", "CDDL-1.1", "CPL-1.0", "curl", "EPL-1.0", "EPL-2.0", "EUPL-1.2", "FSFAP", "FSFUL", "FSFULLR", "FTL",
	"GFDL-1.1-only", "GFDL-1.1-or-later", "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3-only", "GFDL-1.3-or-later",
	"GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
	"HPND", "HPND-sell-variant", "ICU", "IJG", "ImageMagick", "Info-ZIP", "IPA", "ISC",
	"LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
	"Libpng", "libpng-2.0", "libtiff", "LPPL-1.3c", "MirOS", "MIT", "MIT-0", "MIT-CMU", "MPL-1.0", "MPL-1.1", "MPL-2.0",
	"MS-PL", "NCSA", "NTP", "OFL-1.1", "OLDAP-2.8", "OpenSSL", "PHP-3.01", "PostgreSQL", "PSF-2.0", "Python-2.0",
	"Ruby", "Sleepycat", "SGI-B-2.0", "SMLNJ", "TCL", "Unicode-DFS-2015", "Unicode-DFS-2016", "Unlicense", "UPL-1.0",
	"Vim", "W3C", "WTFPL", "X11", "XFree86-1.1", "Zlib", "zlib-acknowledgement", "ZPL-2.1",
}

// licenseAliases maps other spellings, lower-cased, to those identifiers:
// Debian copyright short names, old Fedora/RHEL spec names, old apk names
// and deprecated SPDX identifiers. Ambiguous names are left out on
// purpose: Fedora's "BSD" was any of several BSD licenses, "GPL" has no
// version, so they become LicenseRef- names rather than a guess.
var licenseAliases = map[string]string{
	// Debian (DEP-5 short names: "+" is "or later").
	"gpl-1": "GPL-1.0-only", "gpl-1+": "GPL-1.0-or-later", "gpl-2": "GPL-2.0-only", "gpl-2+": "GPL-2.0-or-later",
	"gpl-3": "GPL-3.0-only", "gpl-3+": "GPL-3.0-or-later", "lgpl-2": "LGPL-2.0-only", "lgpl-2+": "LGPL-2.0-or-later",
	"lgpl-2.1+": "LGPL-2.1-or-later", "lgpl-3": "LGPL-3.0-only", "lgpl-3+": "LGPL-3.0-or-later",
	"agpl-3": "AGPL-3.0-only", "agpl-3+": "AGPL-3.0-or-later", "gfdl-1.2": "GFDL-1.2-only", "gfdl-1.2+": "GFDL-1.2-or-later",
	"gfdl-1.3": "GFDL-1.3-only", "gfdl-1.3+": "GFDL-1.3-or-later", "gfdl-1.1+": "GFDL-1.1-or-later",
	"expat": "MIT", "artistic": "Artistic-1.0-Perl", "apache-2": "Apache-2.0", "psf-2": "PSF-2.0", "cc0": "CC0-1.0",
	// Old Fedora/RHEL and apk names.
	"gpl+": "GPL-1.0-or-later", "gplv1": "GPL-1.0-only", "gplv2": "GPL-2.0-only", "gplv2+": "GPL-2.0-or-later",
	"gplv3": "GPL-3.0-only", "gplv3+": "GPL-3.0-or-later", "gpl2": "GPL-2.0-only", "gpl2+": "GPL-2.0-or-later",
	"gpl3": "GPL-3.0-only", "gpl3+": "GPL-3.0-or-later", "lgplv2": "LGPL-2.0-only", "lgplv2+": "LGPL-2.0-or-later",
	"lgplv2.1": "LGPL-2.1-only", "lgplv2.1+": "LGPL-2.1-or-later", "lgplv3": "LGPL-3.0-only", "lgplv3+": "LGPL-3.0-or-later",
	"lgpl2+": "LGPL-2.0-or-later", "lgpl2.1+": "LGPL-2.1-or-later", "agplv3": "AGPL-3.0-only", "agplv3+": "AGPL-3.0-or-later",
	"asl 1.1": "Apache-1.1", "asl 2.0": "Apache-2.0", "apache 2.0": "Apache-2.0", "asl2.0": "Apache-2.0",
	"mplv1.1": "MPL-1.1", "mplv2.0": "MPL-2.0", "mpl 2.0": "MPL-2.0", "boost": "BSL-1.0", "artistic 2.0": "Artistic-2.0",
	"openldap": "OLDAP-2.8",
	// Deprecated SPDX identifiers.
	"gpl-1.0": "GPL-1.0-only", "gpl-1.0+": "GPL-1.0-or-later", "gpl-2.0": "GPL-2.0-only", "gpl-2.0+": "GPL-2.0-or-later",
	"gpl-3.0": "GPL-3.0-only", "gpl-3.0+": "GPL-3.0-or-later", "lgpl-2.0": "LGPL-2.0-only", "lgpl-2.0+": "LGPL-2.0-or-later",
	"lgpl-2.1": "LGPL-2.1-only", "lgpl-3.0": "LGPL-3.0-only", "lgpl-3.0+": "LGPL-3.0-or-later",
	"agpl-3.0": "AGPL-3.0-only",
}

var spdxByLower = func() map[string]string {
	m := make(map[string]string, len(spdxIDs)+len(licenseAliases))
	for _, id := range spdxIDs {
		m[strings.ToLower(id)] = id
	}
	for alias, id := range licenseAliases {
		m[alias] = id
	}
	return m
}()

// SPDXLicense maps a declared license name to its SPDX license identifier
// and reports whether it has one. Case does not matter.
func SPDXLicense(name string) (id string, ok bool) {
	id, ok = spdxByLower[strings.ToLower(strings.TrimSpace(name))]
	return id, ok
}

// licenseRef makes a name SPDX does not list into a LicenseRef- id, whose
// idstring may only have letters, digits, '.' and '-'.
func licenseRef(name string) string {
	return "LicenseRef-" + idString(name)
}

// idString makes s an SPDX idstring, which may only hold letters, digits,
// '.' and '-': each run of other bytes becomes one '-', and none is left
// at either end. An idstring may not be empty: "none" stands in.
func idString(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			b = append(b, c)
		} else if len(b) > 0 && b[len(b)-1] != '-' {
			b = append(b, '-')
		}
	}
	if out := strings.Trim(string(b), "-"); out != "" {
		return out
	}
	return "none"
}

// joinID joins the non-empty parts with '-' into an idstring.
func joinID(parts ...string) string {
	var nonEmpty []string
	for _, p := range parts {
		if p != "" {
			nonEmpty = append(nonEmpty, p)
		}
	}
	return idString(strings.Join(nonEmpty, "-"))
}
