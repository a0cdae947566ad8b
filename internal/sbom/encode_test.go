package sbom_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"math/rand"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
	"github.com/imagesmith/packer-plugin-hardening/internal/sbom/sbomtest"
)

var update = flag.Bool("update", false, "rewrite the golden documents in testdata")

// document builds a Document from recorded files, as the provisioner does.
func document(t testing.TB, osFile, dbFile string) sbom.Document {
	t.Helper()
	o, err := sbom.ParseOSRelease(read(t, osFile))
	if err != nil {
		t.Fatal(err)
	}
	db := bytes.NewReader(read(t, dbFile))
	var pkgs []sbom.Package
	switch dbFile {
	case "dpkg-status":
		pkgs, err = sbom.ParseDpkgStatus(db)
		if err == nil {
			var lic map[string][]string
			lic, err = sbom.ParseCopyrightLicenses(bytes.NewReader(read(t, "copyright-licenses")))
			for i := range pkgs {
				pkgs[i].Licenses = lic[pkgs[i].Name]
			}
		}
	case "rpm-query":
		pkgs, err = sbom.ParseRPMQuery(db)
	case "apk-installed":
		pkgs, err = sbom.ParseAPKInstalled(db)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sbom.Document{
		OS: o, Packages: pkgs, Tool: sbom.Tool{Name: "packer-plugin-hardening", Version: "0.1.0"},
		Created:    time.Date(2026, 11, 23, 1, 2, 3, 400, time.FixedZone("CET", 3600)),
		SerialUUID: "0b7d2b4e-3c55-4b8e-9a57-7a4b1f0f8a11", Name: "debian12 build",
		Properties: map[string]string{"packer_build_name": "debian12", "packer_run_uuid": "9f0d7e1c-0d2a-4a34-a3a2-58c0f5f1c6aa"},
	}
}

var allDocs = []struct{ os, db string }{
	{"os-release-debian12", "dpkg-status"},
	{"os-release-rhel9", "rpm-query"},
	{"os-release-alpine", "apk-installed"},
}

type cdxDoc struct {
	BOMFormat, SpecVersion, SerialNumber string
	Version                              int
	Metadata                             struct {
		Timestamp  string
		Lifecycles []struct{ Phase string }
		Tools      struct {
			Components []struct{ Type, Name, Version string }
		}
		Component  any
		Properties []struct{ Name, Value string }
	}
	Components []struct {
		BOMRef, Type, Name, Version, Purl, Publisher, Description string
		Supplier                                                  *struct {
			Name    string
			Contact []struct{ Email string }
		}
		Licenses           []struct{ License struct{ ID, Name string } }
		Properties         []struct{ Name, Value string }
		ExternalReferences []struct{ URL, Type string }
	}
	Dependencies []struct {
		Ref       string
		DependsOn []string
	}
}

func (c *cdxDoc) UnmarshalJSON(b []byte) error {
	// bom-ref has a dash: rename it for the struct above.
	type plain cdxDoc
	return json.Unmarshal(bytes.ReplaceAll(b, []byte(`"bom-ref":`), []byte(`"BOMRef":`)), (*plain)(c))
}

func prop(props []struct{ Name, Value string }, name string) string {
	for _, p := range props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func TestCycloneDX(t *testing.T) {
	for _, tc := range allDocs {
		t.Run(tc.db, func(t *testing.T) {
			d := document(t, tc.os, tc.db)
			b, err := sbom.CycloneDX(d)
			if err != nil {
				t.Fatal(err)
			}
			sbomtest.ValidateCycloneDX(t, b)
			var doc cdxDoc
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.BOMFormat != "CycloneDX" || doc.SpecVersion != "1.6" || doc.Version != 1 || doc.SerialNumber != "urn:uuid:"+d.SerialUUID {
				t.Errorf("header %s %s %d %s", doc.BOMFormat, doc.SpecVersion, doc.Version, doc.SerialNumber)
			}
			m := doc.Metadata
			if m.Timestamp != "2026-11-23T00:02:03Z" || len(m.Lifecycles) != 1 || m.Lifecycles[0].Phase != "post-build" ||
				len(m.Tools.Components) != 1 || m.Tools.Components[0] != (struct{ Type, Name, Version string }{"application", "packer-plugin-hardening", "0.1.0"}) {
				t.Errorf("metadata %+v", m)
			}
			if m.Component != nil {
				t.Error("metadata.component is set: syft would read it as another component")
			}
			if !strings.Contains(prop(m.Properties, "imagesmith:sbom:description"), "installed") || prop(m.Properties, "imagesmith:packer_build_name") != "debian12" {
				t.Errorf("metadata properties %v", m.Properties)
			}

			// Exactly one operating-system component; every package once,
			// under its purl.
			wantPURLs := map[string]bool{}
			for _, p := range d.Packages {
				wantPURLs[sbom.PURL(p, d.OS)] = true
			}
			var osRef string
			refs := map[string]bool{}
			for _, c := range doc.Components {
				if refs[c.BOMRef] {
					t.Errorf("bom-ref %s repeated", c.BOMRef)
				}
				refs[c.BOMRef] = true
				if c.Type == "operating-system" {
					if osRef != "" {
						t.Errorf("a second operating-system component %s", c.BOMRef)
					}
					osRef = c.BOMRef
					if prop(c.Properties, "syft:distro:id") != d.OS.ID || prop(c.Properties, "syft:distro:versionID") != d.OS.VersionID ||
						c.Version != d.OS.VersionID || c.Description != d.OS.PrettyName {
						t.Errorf("OS component %+v", c)
					}
					continue
				}
				if c.Type != "library" || c.BOMRef != c.Purl || !wantPURLs[c.Purl] {
					t.Errorf("component %s %s: type %s, bom-ref %s, purl %s", c.Name, c.Version, c.Type, c.BOMRef, c.Purl)
				}
				delete(wantPURLs, c.Purl)
				if prop(c.Properties, "aquasecurity:trivy:SrcName") == "" {
					t.Errorf("%s has no source name", c.Name)
				}
			}
			if osRef == "" || len(wantPURLs) > 0 {
				t.Errorf("OS component %q; packages missing: %v", osRef, wantPURLs)
			}
			// The OS depends on every package and nothing else; every ref
			// exists.
			if len(doc.Dependencies) != 1 || doc.Dependencies[0].Ref != osRef || len(doc.Dependencies[0].DependsOn) != len(refs)-1 {
				t.Fatalf("dependencies %+v", doc.Dependencies)
			}
			for _, ref := range doc.Dependencies[0].DependsOn {
				if !refs[ref] || ref == osRef {
					t.Errorf("dependsOn %s", ref)
				}
			}
		})
	}
}

// component finds a component by name and purl substring.
func component(t *testing.T, b []byte, name, purlPart string) (c struct {
	BOMRef, Type, Name, Version, Purl, Publisher, Description string
	Supplier                                                  *struct {
		Name    string
		Contact []struct{ Email string }
	}
	Licenses           []struct{ License struct{ ID, Name string } }
	Properties         []struct{ Name, Value string }
	ExternalReferences []struct{ URL, Type string }
}) {
	t.Helper()
	var doc cdxDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range doc.Components {
		if c.Name == name && strings.Contains(c.Purl, purlPart) {
			return c
		}
	}
	t.Fatalf("no component %s (%s)", name, purlPart)
	return c
}

func TestCycloneDXContent(t *testing.T) {
	deb, err := sbom.CycloneDX(document(t, "os-release-debian12", "dpkg-status"))
	if err != nil {
		t.Fatal(err)
	}
	osc := component(t, deb, "debian", "")
	if osc.Type != "operating-system" || len(osc.ExternalReferences) != 2 || osc.ExternalReferences[0].URL != "https://www.debian.org/" ||
		osc.ExternalReferences[1].Type != "issue-tracker" || prop(osc.Properties, "syft:distro:versionCodename") != "bookworm" {
		t.Errorf("debian OS component %+v", osc)
	}
	c := component(t, deb, "bsdutils", "")
	if c.Version != "1:2.38.1-5+b1" || c.Publisher != "util-linux packagers <util-linux@packages.debian.org>" ||
		c.Supplier == nil || c.Supplier.Name != "util-linux packagers" || c.Supplier.Contact[0].Email != "util-linux@packages.debian.org" {
		t.Errorf("bsdutils %+v", c)
	}
	// Mapped names as ids, the rest as names.
	if len(c.Licenses) != 3 || c.Licenses[0].License.ID != "GPL-2.0-or-later" || c.Licenses[1].License.ID != "BSD-4-Clause" || c.Licenses[2].License.Name != "public-domain" {
		t.Errorf("bsdutils licenses %+v", c.Licenses)
	}
	// trivy's source properties, split as trivy stores them.
	for _, tc := range []struct{ name, srcName, srcVersion, srcRelease, srcEpoch string }{
		{"bsdutils", "util-linux", "2.38.1", "5", ""},
		{"openssh-server", "openssh", "9.2p1", "2+deb12u2", "1"},
		{"g++", "gcc-defaults", "1.203", "", ""},
	} {
		c := component(t, deb, tc.name, "")
		got := [4]string{prop(c.Properties, "aquasecurity:trivy:SrcName"), prop(c.Properties, "aquasecurity:trivy:SrcVersion"),
			prop(c.Properties, "aquasecurity:trivy:SrcRelease"), prop(c.Properties, "aquasecurity:trivy:SrcEpoch")}
		if got != [4]string{tc.srcName, tc.srcVersion, tc.srcRelease, tc.srcEpoch} {
			t.Errorf("%s: trivy source properties %q", tc.name, got)
		}
	}

	// syft's package metadata, where grype takes the source package from
	// after `syft convert` (issue 17, item 2); none for a package that is
	// its own source.
	syftProps := func(b []byte, name string) map[string]string {
		got := map[string]string{}
		for _, p := range component(t, b, name, "").Properties {
			if strings.HasPrefix(p.Name, "syft:") {
				got[p.Name] = p.Value
			}
		}
		return got
	}
	for _, tc := range []struct {
		name string
		want map[string]string
	}{
		{"bsdutils", map[string]string{"syft:package:metadataType": "dpkg-db-entry", "syft:package:type": "deb",
			"syft:metadata:source": "util-linux", "syft:metadata:sourceVersion": "2.38.1-5", "syft:metadata:installedSize": "336"}},
		{"openssh-server", map[string]string{"syft:package:metadataType": "dpkg-db-entry", "syft:package:type": "deb",
			"syft:metadata:source": "openssh", "syft:metadata:sourceVersion": "1:9.2p1-2+deb12u2", "syft:metadata:installedSize": "1982"}},
		{"tzdata", map[string]string{"syft:package:metadataType": "dpkg-db-entry", "syft:package:type": "deb", "syft:metadata:installedSize": "3348"}},
	} {
		if got := syftProps(deb, tc.name); !maps.Equal(got, tc.want) {
			t.Errorf("%s: syft properties %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := prop(osc.Properties, "syft:distro:name"); got != "" {
		t.Errorf("syft:distro:name %q: syft does not read it", got)
	}

	rh, err := sbom.CycloneDX(document(t, "os-release-rhel9", "rpm-query"))
	if err != nil {
		t.Fatal(err)
	}
	// trivy's OS family for RHEL is redhat; os-release's ID stays for grype.
	osc = component(t, rh, "redhat", "")
	if osc.Type != "operating-system" || osc.Version != "9.3" || prop(osc.Properties, "syft:distro:id") != "rhel" || prop(osc.Properties, "syft:distro:idLike:0") != "fedora" {
		t.Errorf("RHEL OS component %+v", osc)
	}
	c = component(t, rh, "openssl-libs", "")
	if c.Version != "1:3.0.7-24.el9" || prop(c.Properties, "aquasecurity:trivy:SrcEpoch") != "1" || prop(c.Properties, "aquasecurity:trivy:SrcVersion") != "3.0.7" ||
		prop(c.Properties, "aquasecurity:trivy:SrcRelease") != "24.el9" || c.Supplier.Name != "Red Hat, Inc." || c.Supplier.Contact != nil ||
		len(c.Licenses) != 1 || c.Licenses[0].License.ID != "Apache-2.0" {
		t.Errorf("openssl-libs %+v", c)
	}
	if got, want := syftProps(rh, "openssl-libs"), map[string]string{"syft:package:metadataType": "rpm-db-entry", "syft:package:type": "rpm",
		"syft:metadata:epoch": "1", "syft:metadata:release": "24.el9", "syft:metadata:sourceRpm": "openssl-3.0.7-24.el9.src.rpm"}; !maps.Equal(got, want) {
		t.Errorf("openssl-libs: syft properties %v, want %v", got, want)
	}
	if got := syftProps(rh, "bash"); got["syft:metadata:epoch"] != "" || got["syft:metadata:sourceRpm"] != "bash-5.1.8-6.el9_1.src.rpm" {
		t.Errorf("bash: syft properties %v", got)
	}
	c = component(t, rh, "kernel-core", "")
	if len(c.Licenses) != 2 || c.Licenses[0].License.ID != "GPL-2.0-only" || c.Licenses[1].License.Name != "Redistributable, no modification permitted" {
		t.Errorf("kernel-core licenses %+v", c.Licenses)
	}
	if a, b := component(t, rh, "glibc", "x86_64"), component(t, rh, "glibc", "i686"); a.BOMRef == b.BOMRef {
		t.Error("multilib glibc has one bom-ref")
	}
}

type spdxDocument struct {
	SPDXVersion, DataLicense, SPDXID, Name, DocumentNamespace string
	CreationInfo                                              struct {
		Created  string
		Creators []string
		Comment  string
	}
	Packages []struct {
		SPDXID, Name, VersionInfo, Supplier, DownloadLocation, LicenseConcluded, LicenseDeclared string
		CopyrightText, SourceInfo, PrimaryPackagePurpose                                         string
		FilesAnalyzed                                                                            *bool
		ExternalRefs                                                                             []struct{ ReferenceCategory, ReferenceType, ReferenceLocator string }
	}
	Relationships              []struct{ SpdxElementId, RelationshipType, RelatedSpdxElement string }
	HasExtractedLicensingInfos []struct{ LicenseId, Name, ExtractedText string }
	Annotations                []struct{ Comment string }
}

var (
	spdxIDRE   = regexp.MustCompile(`^SPDXRef-[A-Za-z0-9.-]+$`)
	licenseRE  = regexp.MustCompile(`^(NOASSERTION|[A-Za-z0-9.+-]+( AND [A-Za-z0-9.+-]+)*)$`)
	licenseRef = regexp.MustCompile(`LicenseRef-[A-Za-z0-9.-]+`)
)

func TestSPDX(t *testing.T) {
	for _, tc := range allDocs {
		t.Run(tc.db, func(t *testing.T) {
			d := document(t, tc.os, tc.db)
			b, err := sbom.SPDX(d)
			if err != nil {
				t.Fatal(err)
			}
			sbomtest.ValidateSPDX(t, b)
			var doc spdxDocument
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.SPDXVersion != "SPDX-2.3" || doc.DataLicense != "CC0-1.0" || doc.SPDXID != "SPDXRef-DOCUMENT" || doc.Name != "debian12 build" ||
				doc.DocumentNamespace != "https://github.com/imagesmith/packer-plugin-hardening/sbom/debian12-build-0b7d2b4e-3c55-4b8e-9a57-7a4b1f0f8a11" ||
				doc.CreationInfo.Created != "2026-11-23T00:02:03Z" || !slices.Equal(doc.CreationInfo.Creators, []string{"Tool: packer-plugin-hardening-0.1.0"}) ||
				!strings.Contains(doc.CreationInfo.Comment, "post-build") || len(doc.Annotations) != 2 {
				t.Errorf("document %+v", doc)
			}
			wantPURLs := map[string]bool{}
			for _, p := range d.Packages {
				wantPURLs[sbom.PURL(p, d.OS)] = true
			}
			ids := map[string]bool{}
			var osID string
			usedRefs := map[string]bool{}
			for _, p := range doc.Packages {
				if ids[p.SPDXID] || !spdxIDRE.MatchString(p.SPDXID) {
					t.Errorf("SPDXID %q repeated or not valid", p.SPDXID)
				}
				ids[p.SPDXID] = true
				if p.DownloadLocation != "NOASSERTION" || p.LicenseConcluded != "NOASSERTION" || p.CopyrightText != "NOASSERTION" ||
					p.FilesAnalyzed == nil || *p.FilesAnalyzed || !licenseRE.MatchString(p.LicenseDeclared) || p.Supplier == "" {
					t.Errorf("package %+v", p)
				}
				for _, ref := range licenseRef.FindAllString(p.LicenseDeclared, -1) {
					usedRefs[ref] = true
				}
				if p.PrimaryPackagePurpose == "OPERATING_SYSTEM" {
					if osID != "" || !strings.HasPrefix(p.SPDXID, "SPDXRef-OperatingSystem-") {
						t.Errorf("OS package %s (another: %q)", p.SPDXID, osID)
					}
					osID = p.SPDXID
					continue
				}
				if p.PrimaryPackagePurpose != "LIBRARY" || !strings.HasPrefix(p.SPDXID, "SPDXRef-Package-") || len(p.ExternalRefs) != 1 ||
					p.ExternalRefs[0].ReferenceCategory != "PACKAGE-MANAGER" || p.ExternalRefs[0].ReferenceType != "purl" ||
					!wantPURLs[p.ExternalRefs[0].ReferenceLocator] || !strings.HasPrefix(p.SourceInfo, "built package from: ") {
					t.Errorf("package %+v", p)
					continue
				}
				delete(wantPURLs, p.ExternalRefs[0].ReferenceLocator)
			}
			if osID == "" || len(wantPURLs) > 0 {
				t.Errorf("OS package %q; packages missing: %v", osID, wantPURLs)
			}
			// The extracted licenses are exactly the LicenseRefs used.
			for _, ex := range doc.HasExtractedLicensingInfos {
				if !usedRefs[ex.LicenseId] || ex.ExtractedText == "" || ex.Name == "" {
					t.Errorf("extracted license %+v", ex)
				}
				delete(usedRefs, ex.LicenseId)
			}
			if len(usedRefs) > 0 {
				t.Errorf("LicenseRefs without hasExtractedLicensingInfos: %v", usedRefs)
			}
			// DOCUMENT DESCRIBES the OS, which CONTAINS every package.
			contained := map[string]bool{}
			for i, r := range doc.Relationships {
				switch {
				case i == 0 && r.SpdxElementId == "SPDXRef-DOCUMENT" && r.RelationshipType == "DESCRIBES" && r.RelatedSpdxElement == osID:
				case i > 0 && r.SpdxElementId == osID && r.RelationshipType == "CONTAINS" && ids[r.RelatedSpdxElement] && !contained[r.RelatedSpdxElement]:
					contained[r.RelatedSpdxElement] = true
				default:
					t.Errorf("relationship %d: %+v", i, r)
				}
			}
			if len(contained) != len(ids)-1 {
				t.Errorf("%d packages contained, want %d", len(contained), len(ids)-1)
			}
		})
	}
}

func spdxPackage(t *testing.T, b []byte, name, purlPart string) (p struct {
	SPDXID, Name, VersionInfo, Supplier, LicenseDeclared, SourceInfo string
	ExternalRefs                                                     []struct{ ReferenceLocator string }
}) {
	t.Helper()
	var doc struct {
		Packages []struct {
			SPDXID, Name, VersionInfo, Supplier, LicenseDeclared, SourceInfo string
			ExternalRefs                                                     []struct{ ReferenceLocator string }
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Packages {
		if p.Name == name && (purlPart == "" || len(p.ExternalRefs) > 0 && strings.Contains(p.ExternalRefs[0].ReferenceLocator, purlPart)) {
			return p
		}
	}
	t.Fatalf("no package %s (%s)", name, purlPart)
	return p
}

func TestSPDXContent(t *testing.T) {
	deb, err := sbom.SPDX(document(t, "os-release-debian12", "dpkg-status"))
	if err != nil {
		t.Fatal(err)
	}
	p := spdxPackage(t, deb, "bsdutils", "")
	if p.LicenseDeclared != "GPL-2.0-or-later AND BSD-4-Clause AND LicenseRef-public-domain" || p.SourceInfo != "built package from: util-linux 2.38.1-5" ||
		p.Supplier != "Organization: util-linux packagers (util-linux@packages.debian.org)" || p.VersionInfo != "1:2.38.1-5+b1" ||
		p.ExternalRefs[0].ReferenceLocator != "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5" {
		t.Errorf("bsdutils %+v", p)
	}
	if p := spdxPackage(t, deb, "openssh-server", ""); p.LicenseDeclared != "NOASSERTION" || p.SourceInfo != "built package from: openssh 1:9.2p1-2+deb12u2" {
		t.Errorf("openssh-server %+v", p)
	}
	if p := spdxPackage(t, deb, "debian", ""); !strings.HasPrefix(p.SPDXID, "SPDXRef-OperatingSystem-") || p.VersionInfo != "12" {
		t.Errorf("OS %+v", p)
	}
	if a, b := spdxPackage(t, deb, "libc6", "amd64"), spdxPackage(t, deb, "libc6", "i386"); a.SPDXID == b.SPDXID {
		t.Error("multi-arch libc6 has one SPDXID")
	}

	rh, err := sbom.SPDX(document(t, "os-release-rhel9", "rpm-query"))
	if err != nil {
		t.Fatal(err)
	}
	// trivy parses the source version as an rpm EVR: the epoch is there.
	if p := spdxPackage(t, rh, "openssl-libs", ""); p.SourceInfo != "built package from: openssl 1:3.0.7-24.el9" || p.VersionInfo != "1:3.0.7-24.el9" ||
		p.Supplier != "Organization: Red Hat, Inc." || p.LicenseDeclared != "Apache-2.0" {
		t.Errorf("openssl-libs %+v", p)
	}
	if p := spdxPackage(t, rh, "glibc", "x86_64"); p.LicenseDeclared != "LGPL-2.0-or-later AND GPL-2.0-or-later AND LicenseRef-BSD AND LicenseRef-Inner-Net AND ISC AND LicenseRef-Public-Domain AND LicenseRef-GFDL" {
		t.Errorf("glibc %+v", p)
	}
	if p := spdxPackage(t, rh, "redhat", ""); !strings.HasPrefix(p.SPDXID, "SPDXRef-OperatingSystem-redhat-9.3") {
		t.Errorf("RHEL OS %+v", p)
	}
	al, err := sbom.SPDX(document(t, "os-release-alpine", "apk-installed"))
	if err != nil {
		t.Fatal(err)
	}
	if p := spdxPackage(t, al, "ssl_client", ""); p.LicenseDeclared != "GPL-2.0-only AND MIT AND BSD-2-Clause" || p.SourceInfo != "built package from: busybox 1.36.1-r5" ||
		p.Supplier != "Organization: Sören Tempel (soeren+alpine@soeren-tempel.net)" {
		t.Errorf("ssl_client %+v", p)
	}
	if p := spdxPackage(t, al, "tzdata", ""); p.Supplier != "NOASSERTION" {
		t.Errorf("tzdata %+v", p)
	}
}

// TestDeterministic: the same input gives the same bytes, and so does the
// same set of packages in another order or with one listed twice.
func TestDeterministic(t *testing.T) {
	for _, tc := range allDocs {
		d := document(t, tc.os, tc.db)
		cdx1, err1 := sbom.CycloneDX(d)
		spdx1, err2 := sbom.SPDX(d)
		cdx2, err3 := sbom.CycloneDX(d)
		spdx2, err4 := sbom.SPDX(d)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cdx1, cdx2) || !bytes.Equal(spdx1, spdx2) {
			t.Errorf("%s: two runs differ", tc.db)
		}
		shuffled := d
		shuffled.Packages = append(slices.Clone(d.Packages), d.Packages[0])
		rand.New(rand.NewSource(1)).Shuffle(len(shuffled.Packages), func(i, j int) {
			shuffled.Packages[i], shuffled.Packages[j] = shuffled.Packages[j], shuffled.Packages[i]
		})
		cdx3, err1 := sbom.CycloneDX(shuffled)
		spdx3, err2 := sbom.SPDX(shuffled)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cdx1, cdx3) || !bytes.Equal(spdx1, spdx3) {
			t.Errorf("%s: shuffled packages, or one listed twice, give other bytes", tc.db)
		}
	}
}

func TestEncodersReject(t *testing.T) {
	good := document(t, "os-release-debian12", "dpkg-status")
	for name, mutate := range map[string]func(*sbom.Document){
		"no OS":    func(d *sbom.Document) { d.OS = sbom.OS{} },
		"bad UUID": func(d *sbom.Document) { d.SerialUUID = "x" },
		"no tool":  func(d *sbom.Document) { d.Tool = sbom.Tool{} },
		"no time":  func(d *sbom.Document) { d.Created = time.Time{} },
		"no version": func(d *sbom.Document) {
			d.Packages = append(slices.Clone(d.Packages), sbom.Package{Type: "deb", Name: "x"})
		},
		"empty name": func(d *sbom.Document) {
			d.Packages = append(slices.Clone(d.Packages), sbom.Package{Type: "deb", Version: "1"})
		},
		"UUID & space": func(d *sbom.Document) { d.SerialUUID = " " + d.SerialUUID },
		"no type": func(d *sbom.Document) {
			d.Packages = append(slices.Clone(d.Packages), sbom.Package{Name: "x", Version: "1"})
		},
	} {
		d := good
		mutate(&d)
		if _, err := sbom.CycloneDX(d); err == nil {
			t.Errorf("CycloneDX, %s: no error", name)
		}
		if _, err := sbom.SPDX(d); err == nil {
			t.Errorf("SPDX, %s: no error", name)
		}
	}
}

// TestGolden compares the Debian documents with reviewed copies, so any
// change to the output shows up in review.
func TestGolden(t *testing.T) {
	d := document(t, "os-release-debian12", "dpkg-status")
	for file, encode := range map[string]func(sbom.Document) ([]byte, error){"debian.cdx.json": sbom.CycloneDX, "debian.spdx.json": sbom.SPDX} {
		got, err := encode(d)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		if *update {
			if err := os.WriteFile("testdata/"+file, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if want := read(t, file); !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden copy (go test -run TestGolden -update, then review the diff):\n%s", file, firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n got " + x + "\nwant " + y
		}
	}
	return ""
}

// TestOddInputsValidate: sparse os-release values, odd maintainers and
// license names, and no packages at all still give valid documents.
func TestOddInputsValidate(t *testing.T) {
	odd := []sbom.Package{
		{Type: "deb", Name: "a", Version: "1", Maintainer: "<only@example.org>", Licenses: []string{"Custom (see COPYING), or \"weird\" & <other>"}},
		{Type: "deb", Name: "b", Version: "1", Maintainer: `"Quoted, Name" <q@example.org>`},
		{Type: "deb", Name: "c", Version: "1", Maintainer: "no email at all", SourceName: "c"},
		{Type: "deb", Name: "d", Version: "1", Maintainer: "Bad <not an email>"},
		{Type: "rpm", Name: "E+e", Version: "1-1", Epoch: "3", Maintainer: "Jörg Ümlaut <jörg@example.org>", Licenses: []string{"Public Domain, and Freely redistributable"}},
		{Type: "apk", Name: "f", Version: "1-r0", Licenses: []string{"WITH", "AND OR"}},
	}
	for name, d := range map[string]sbom.Document{
		"sparse OS": {OS: sbom.OS{ID: "debian"}, Packages: odd},
		"bad URLs":  {OS: sbom.OS{ID: "x", VersionID: "1", HomeURL: "not a url", BugReportURL: "https://example.org/ space", IDLike: []string{"a", "b"}}, Packages: odd},
		"empty":     {OS: sbom.OS{ID: "alpine", VersionID: "3.20.0"}},
	} {
		d.Tool, d.Created, d.SerialUUID = sbom.Tool{Name: "t"}, time.Unix(0, 1), "0B7D2B4E-3C55-4B8E-9A57-7A4B1F0F8A11"
		cdx, err := sbom.CycloneDX(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sbomtest.ValidateCycloneDX(t, cdx)
		spdx, err := sbom.SPDX(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sbomtest.ValidateSPDX(t, spdx)
		if name == "bad URLs" && bytes.Contains(cdx, []byte("externalReferences")) {
			t.Errorf("%s: URLs that are not http(s) URLs were kept", name)
		}
	}
}
