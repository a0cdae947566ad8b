package sbom_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
)

// purlChars are the characters a purl built by PURL may hold.
var purlChars = regexp.MustCompile(`^pkg:[a-z]+/[a-z0-9%._~:-]+/[A-Za-z0-9%._~:-]+(@[A-Za-z0-9%._~:-]+)?(\?[a-z]+=[A-Za-z0-9%._~:-]*(&[a-z]+=[A-Za-z0-9%._~:-]*)*)?$`)

// checkPackages holds for every parser's output: what a scanner needs is
// there, the purl is well formed, and both encoders accept the packages
// and keep every distinct one.
func checkPackages(t *testing.T, typ string, pkgs []sbom.Package) {
	t.Helper()
	o := sbom.OS{ID: "debian", VersionID: "12"}
	purls := map[string]bool{}
	for _, p := range pkgs {
		if p.Type != typ || p.Name == "" || p.Version == "" || p.SourceName == "" || p.SourceVersion == "" ||
			strings.ContainsAny(p.Name+p.Version, " \t\n") || p.InstalledSizeKiB < 0 {
			t.Fatalf("bad package %+v", p)
		}
		purl := sbom.PURL(p, o)
		if !purlChars.MatchString(purl) {
			t.Fatalf("purl %q of %+v", purl, p)
		}
		purls[purl] = true
	}
	d := sbom.Document{OS: o, Packages: pkgs, Tool: sbom.Tool{Name: "fuzz"}, Created: time.Unix(1, 0), SerialUUID: "0b7d2b4e-3c55-4b8e-9a57-7a4b1f0f8a11"}
	cdx, err := sbom.CycloneDX(d)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Components []struct{ Type string } }
	if err := json.Unmarshal(cdx, &doc); err != nil || len(doc.Components) != len(purls)+1 || doc.Components[0].Type != "operating-system" {
		t.Fatalf("CycloneDX: %v, %d components for %d purls", err, len(doc.Components), len(purls))
	}
	spdx, err := sbom.SPDX(d)
	if err != nil || !json.Valid(spdx) {
		t.Fatalf("SPDX: %v", err)
	}
}

func seed(f *testing.F, files ...string) {
	for _, file := range files {
		f.Add(read(f, file))
	}
}

func FuzzParseDpkgStatus(f *testing.F) {
	seed(f, "dpkg-status")
	f.Add([]byte("Package: a\nStatus: install ok installed\nVersion: 1:2~b+c\nSource: s (1)\n\nPackage: b\nStatus: deinstall ok config-files\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(in))
		if err != nil {
			if pkgs != nil {
				t.Fatal("packages and an error")
			}
			return
		}
		checkPackages(t, "deb", pkgs)
	})
}

func FuzzParseRPMQuery(f *testing.F) {
	seed(f, "rpm-query")
	f.Fuzz(func(t *testing.T, in []byte) {
		pkgs, err := sbom.ParseRPMQuery(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "gpg-pubkey" {
				t.Fatalf("gpg-pubkey kept: %+v", p)
			}
			if _, err := strconv.ParseUint(p.Epoch, 10, 32); p.Epoch != "" && err != nil {
				t.Fatalf("epoch %q", p.Epoch)
			}
		}
		checkPackages(t, "rpm", pkgs)
	})
}

func FuzzParseAPKInstalled(f *testing.F) {
	seed(f, "apk-installed")
	f.Fuzz(func(t *testing.T, in []byte) {
		pkgs, err := sbom.ParseAPKInstalled(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.SourceVersion != p.Version {
				t.Fatalf("source version %q, version %q", p.SourceVersion, p.Version)
			}
		}
		checkPackages(t, "apk", pkgs)
	})
}

var operator = regexp.MustCompile(`(?i)\s(or|and)\s`)

func FuzzParseCopyrightLicenses(f *testing.F) {
	seed(f, "copyright-licenses")
	f.Add([]byte("bash\tGPL-3+ or BSD-3-clause with exception, and (MIT)\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := sbom.ParseCopyrightLicenses(bytes.NewReader(in))
		if err != nil {
			return
		}
		for pkg, names := range got {
			if pkg == "" || len(names) == 0 {
				t.Fatalf("package %q, names %q", pkg, names)
			}
			seen := map[string]bool{}
			for _, n := range names {
				if n == "" || strings.TrimSpace(n) != n || seen[n] || strings.ContainsAny(n, ",()") || operator.MatchString(n) {
					t.Fatalf("%s: bad or repeated name %q in %q", pkg, n, names)
				}
				seen[n] = true
			}
		}
	})
}

func FuzzParseOSRelease(f *testing.F) {
	seed(f, "os-release-debian12", "os-release-rhel9", "os-release-alpine")
	f.Add([]byte("ID=\"a\\\"b\"'c'\\d\nVERSION_ID=1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		o, err := sbom.ParseOSRelease(in)
		if err != nil {
			return
		}
		if o.ID == "" {
			t.Fatal("no ID but no error")
		}
		// What was read, written back quoted, reads the same.
		var b strings.Builder
		for k, v := range map[string]string{"ID": o.ID, "VERSION_ID": o.VersionID, "NAME": o.Name, "PRETTY_NAME": o.PrettyName} {
			b.WriteString(k + "='" + strings.ReplaceAll(v, "'", `'\''`) + "'\n")
		}
		again, err := sbom.ParseOSRelease([]byte(b.String()))
		if err != nil || again.ID != o.ID || again.VersionID != o.VersionID || again.Name != o.Name || again.PrettyName != o.PrettyName {
			t.Fatalf("round trip of %+v: %+v, %v", o, again, err)
		}
	})
}
