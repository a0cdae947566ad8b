package sbom_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
	"github.com/imagesmith/packer-plugin-hardening/internal/sbom/sbomtest"
)

var debian = sbom.OS{ID: "debian", VersionID: "12", VersionCodename: "bookworm", Name: "Debian GNU/Linux", PrettyName: "Debian GNU/Linux 12 (bookworm)", HomeURL: "https://www.debian.org/"}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func summary(p sbom.Package) string {
	return fmt.Sprintf("%s %s %s epoch=%s arch=%s src=%s@%s", p.Type, p.Name, p.Version, p.Epoch, p.Arch, p.SourceName, p.SourceVersion)
}

func TestParseDpkgStatus(t *testing.T) {
	pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(read(t, "dpkg-status")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pkgs {
		got = append(got, summary(p))
	}
	want := []string{
		"deb bsdutils 1:2.38.1-5+b1 epoch= arch=amd64 src=util-linux@2.38.1-5",
		"deb libc6 2.36-9+deb12u4 epoch= arch=amd64 src=glibc@2.36-9+deb12u4",
		"deb libc6 2.36-9+deb12u4 epoch= arch=i386 src=glibc@2.36-9+deb12u4",
		"deb tzdata 2024a-0+deb12u1 epoch= arch=all src=tzdata@2024a-0+deb12u1",
		"deb libfoo1 1.2.3~beta-1+b2 epoch= arch=amd64 src=foo@1.2.3~beta-1",
		"deb gcc-12-base 12.2.0-14 epoch= arch=amd64 src=gcc-12@12.2.0-14",
		"deb g++ 4:12.2.0-3 epoch= arch=amd64 src=gcc-defaults@1.203",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if pkgs[0].Maintainer != "util-linux packagers <util-linux@packages.debian.org>" || pkgs[0].InstalledSizeKiB != 336 {
		t.Errorf("bsdutils: %+v", pkgs[0])
	}
}

func TestParseRPMQuery(t *testing.T) {
	pkgs, err := sbom.ParseRPMQuery(bytes.NewReader(read(t, "rpm-query")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pkgs {
		got = append(got, summary(p)+" "+sbom.PURL(p, sbom.OS{ID: "rhel", VersionID: "9.3"}))
	}
	want := []string{
		"rpm bash 5.1.8-6.el9_1 epoch= arch=x86_64 src=bash@5.1.8-6.el9_1 pkg:rpm/redhat/bash@5.1.8-6.el9_1?arch=x86_64&distro=rhel-9.3&upstream=bash-5.1.8-6.el9_1.src.rpm",
		"rpm python3-urllib3 1.26.5-3.el9 epoch= arch=noarch src=python-urllib3@1.26.5-3.el9 pkg:rpm/redhat/python3-urllib3@1.26.5-3.el9?arch=noarch&distro=rhel-9.3&upstream=python-urllib3-1.26.5-3.el9.src.rpm",
		"rpm openssl-libs 3.0.7-24.el9 epoch=1 arch=x86_64 src=openssl@3.0.7-24.el9 pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm",
		"rpm kernel-core 5.14.0-362.8.1.el9_3 epoch= arch=x86_64 src=kernel@5.14.0-362.8.1.el9_3 pkg:rpm/redhat/kernel-core@5.14.0-362.8.1.el9_3?arch=x86_64&distro=rhel-9.3&upstream=kernel-5.14.0-362.8.1.el9_3.src.rpm",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseAPKInstalled(t *testing.T) {
	pkgs, err := sbom.ParseAPKInstalled(bytes.NewReader(read(t, "apk-installed")))
	if err != nil {
		t.Fatal(err)
	}
	alpine := sbom.OS{ID: "alpine", VersionID: "3.18.4"}
	var got []string
	for _, p := range pkgs {
		got = append(got, sbom.PURL(p, alpine)+" "+strings.Join(p.Licenses, ","))
	}
	want := []string{
		"pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4&upstream=musl MIT",
		"pkg:apk/alpine/busybox-binsh@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4&upstream=busybox GPL-2.0-only",
		"pkg:apk/alpine/ssl_client@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4&upstream=busybox GPL-2.0-only AND (MIT OR BSD-2-Clause)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDebianPURLs(t *testing.T) {
	pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(read(t, "dpkg-status")))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bsdutils:amd64": "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5",
		"libc6:i386":     "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=i386&distro=debian-12&upstream=glibc",
		"libfoo1:amd64":  "pkg:deb/debian/libfoo1@1.2.3~beta-1%2Bb2?arch=amd64&distro=debian-12&upstream=foo%401.2.3~beta-1",
		"g++:amd64":      "pkg:deb/debian/g%2B%2B@4:12.2.0-3?arch=amd64&distro=debian-12&upstream=gcc-defaults%401.203",
		"tzdata:all":     "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12&upstream=tzdata",
	}
	for _, p := range pkgs {
		if w, ok := want[p.Name+":"+p.Arch]; ok {
			if got := sbom.PURL(p, debian); got != w {
				t.Errorf("%s:%s: %s, want %s", p.Name, p.Arch, got, w)
			}
			delete(want, p.Name+":"+p.Arch)
		}
	}
	if len(want) > 0 {
		t.Errorf("not parsed: %v", want)
	}
}

func TestParsersReject(t *testing.T) {
	for name, tc := range map[string]struct {
		parse func([]byte) error
		in    string
		want  string
	}{
		"dpkg continuation first": {dpkg, " orphan\n", "line 1: continuation line before any field"},
		"dpkg no package":         {dpkg, "Status: install ok installed\nVersion: 1\n", "no Package field"},
		"dpkg bad status":         {dpkg, "Package: a\nStatus: installed\nVersion: 1\n", `Status "installed"`},
		"dpkg no version":         {dpkg, "Package: a\nStatus: install ok installed\n", "package a: no Version"},
		"dpkg bad source":         {dpkg, "Package: a\nStatus: install ok installed\nVersion: 1\nSource: b 2\n", `Source "b 2"`},
		"dpkg not a field":        {dpkg, "Package: a\nnonsense\n", "line 2: \"nonsense\" is not a field"},
		"dpkg long line":          {dpkg, "Package: " + strings.Repeat("a", 2<<20) + "\n", "longer than"},
		"rpm fields":              {rpm, "bash\t5\n", "line 1: 2 fields"},
		"rpm epoch":               {rpm, "a\tx\t1\t1\tx86_64\ta-1-1.src.rpm\tMIT\tv\t1\n", `epoch "x"`},
		"apk field":               {apk, "P:a\nnonsense\n", "line 2"},
		"apk no version":          {apk, "P:a\n\n", "no P: or V:"},
		"licenses":                {copyright, "no tab here\n", "line 1"},
		"os-release no id":        {osRelease, "NAME=x\n", "no ID"},
		"os-release quote":        {osRelease, "ID=\"debian\n", "unterminated quote"},
	} {
		err := tc.parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, tc.want)
		}
	}
}

func dpkg(b []byte) error      { _, err := sbom.ParseDpkgStatus(bytes.NewReader(b)); return err }
func rpm(b []byte) error       { _, err := sbom.ParseRPMQuery(bytes.NewReader(b)); return err }
func apk(b []byte) error       { _, err := sbom.ParseAPKInstalled(bytes.NewReader(b)); return err }
func copyright(b []byte) error { _, err := sbom.ParseCopyrightLicenses(bytes.NewReader(b)); return err }
func osRelease(b []byte) error { _, err := sbom.ParseOSRelease(b); return err }

func TestOSRelease(t *testing.T) {
	o, err := sbom.ParseOSRelease([]byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\nID_LIKE='rhel fedora'\nHOME_URL=\"https://www.debian.org/\"\n# comment\nX=\"a \\\"quoted\\\" b\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "debian" || o.VersionID != "12" || o.PrettyName != "Debian GNU/Linux 12 (bookworm)" || strings.Join(o.IDLike, ",") != "rhel,fedora" {
		t.Errorf("%+v", o)
	}
}

func TestCopyrightLicenses(t *testing.T) {
	in := "bash\tGPL-3+\nbash\tGPL-3+\nbash\tBSD-3-clause and GPL-2+ with OpenSSL exception\nperl\tGPL-1+ or Artistic\nzlib1g\tZlib\n"
	got, err := sbom.ParseCopyrightLicenses(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got["bash"]) != "[GPL-3+ BSD-3-clause GPL-2+]" || fmt.Sprint(got["perl"]) != "[GPL-1+ Artistic]" {
		t.Errorf("%v", got)
	}
}

func TestSPDXLicenseIDsAreValid(t *testing.T) {
	ids := sbomtest.SPDXLicenseIDs(t)
	for _, name := range []string{"GPL-2+", "gpl-2", "GPLv2+", "LGPL-2.1+", "Expat", "BSD-3-clause", "Apache-2.0", "ASL 2.0", "Artistic", "PSF-2", "Zlib", "OpenSSL", "public-domain"} {
		id, ok := sbom.SPDXLicense(name)
		if name == "public-domain" {
			if ok {
				t.Errorf("public-domain mapped to %s", id)
			}
			continue
		}
		if !ok {
			t.Errorf("%s is not mapped", name)
		}
	}
	for _, id := range sbom.SPDXLicenseTargets() {
		if !ids[id] {
			t.Errorf("%s is not an SPDX license id in CycloneDX's spdx.schema.json", id)
		}
	}
}

func document(t *testing.T) sbom.Document {
	pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(read(t, "dpkg-status")))
	if err != nil {
		t.Fatal(err)
	}
	pkgs[0].Licenses = []string{"GPL-2+", "public-domain"}
	pkgs[1].Licenses = []string{"LGPL-2.1+ and BSD-3-clause"}
	return sbom.Document{OS: debian, Packages: pkgs, Tool: sbom.Tool{Name: "packer-plugin-hardening", Version: "0.1.0"},
		Created: time.Date(2026, 11, 23, 1, 2, 3, 0, time.UTC), SerialUUID: "0b7d2b4e-3c55-4b8e-9a57-7a4b1f0f8a11", Name: "debian12",
		Properties: map[string]string{"packer_build_name": "debian12", "packer_run_uuid": "9f0d"}}
}

func TestCycloneDX(t *testing.T) {
	d := document(t)
	b, err := sbom.CycloneDX(d)
	if err != nil {
		t.Fatal(err)
	}
	sbomtest.ValidateCycloneDX(t, b)
	again, _ := sbom.CycloneDX(d)
	if !bytes.Equal(b, again) {
		t.Error("not deterministic")
	}
	var doc struct {
		Metadata struct {
			Lifecycles []struct{ Phase string }
		}
		Components []struct {
			BOMRef     string `json:"bom-ref"`
			Type, Name string
			Version    string
			Purl       string
			Licenses   []struct{ License struct{ ID, Name string } }
			Properties []struct{ Name, Value string }
		}
		Dependencies []struct {
			Ref       string
			DependsOn []string
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	osCount, refs := 0, map[string]bool{}
	for _, c := range doc.Components {
		if c.Type == "operating-system" {
			osCount++
			if c.Name != "debian" || c.Version != "12" {
				t.Errorf("OS component %s %s", c.Name, c.Version)
			}
			continue
		}
		if refs[c.BOMRef] || c.BOMRef != c.Purl {
			t.Errorf("bom-ref %q (purl %q) repeated or not the purl", c.BOMRef, c.Purl)
		}
		refs[c.BOMRef] = true
		if c.Name == "bsdutils" {
			if len(c.Licenses) != 2 || c.Licenses[0].License.ID != "GPL-2.0-or-later" || c.Licenses[1].License.Name != "public-domain" {
				t.Errorf("bsdutils licenses %+v", c.Licenses)
			}
			if fmt.Sprint(c.Properties) != "[{aquasecurity:trivy:SrcName util-linux} {aquasecurity:trivy:SrcVersion 2.38.1-5}]" {
				t.Errorf("bsdutils properties %v", c.Properties)
			}
		}
	}
	if osCount != 1 || len(refs) != len(d.Packages) || len(doc.Metadata.Lifecycles) != 1 || doc.Metadata.Lifecycles[0].Phase != "post-build" {
		t.Errorf("%d OS components, %d packages of %d, lifecycles %v", osCount, len(refs), len(d.Packages), doc.Metadata.Lifecycles)
	}
	if len(doc.Dependencies) != 1 || doc.Dependencies[0].Ref != "os:debian@12" || len(doc.Dependencies[0].DependsOn) != len(d.Packages) {
		t.Errorf("dependencies %+v", doc.Dependencies)
	}
}

func TestSPDX(t *testing.T) {
	d := document(t)
	b, err := sbom.SPDX(d)
	if err != nil {
		t.Fatal(err)
	}
	sbomtest.ValidateSPDX(t, b)
	var doc struct {
		Packages []struct {
			SPDXID, Name, VersionInfo, LicenseDeclared, SourceInfo, PrimaryPackagePurpose string
			ExternalRefs                                                                  []struct{ ReferenceLocator string }
		}
		Relationships []struct{ SpdxElementId, RelationshipType, RelatedSpdxElement string }
		Extracted     []struct{ LicenseId string } `json:"hasExtractedLicensingInfos"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	osCount := 0
	for _, p := range doc.Packages {
		if ids[p.SPDXID] {
			t.Errorf("SPDXID %s repeated", p.SPDXID)
		}
		ids[p.SPDXID] = true
		if p.PrimaryPackagePurpose == "OPERATING_SYSTEM" {
			osCount++
			continue
		}
		switch p.Name {
		case "bsdutils":
			if p.LicenseDeclared != "GPL-2.0-or-later AND LicenseRef-public-domain" || p.SourceInfo != "built package from: util-linux 2.38.1-5" ||
				p.ExternalRefs[0].ReferenceLocator != "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5" {
				t.Errorf("bsdutils: %+v", p)
			}
		case "tzdata":
			if p.LicenseDeclared != "NOASSERTION" {
				t.Errorf("tzdata license %q", p.LicenseDeclared)
			}
		}
	}
	if osCount != 1 || len(doc.Packages) != len(d.Packages)+1 {
		t.Errorf("%d OS packages, %d packages", osCount, len(doc.Packages))
	}
	contains := 0
	for _, r := range doc.Relationships {
		if r.RelationshipType == "CONTAINS" && strings.HasPrefix(r.SpdxElementId, "SPDXRef-OperatingSystem-") {
			contains++
		}
	}
	if contains != len(d.Packages) || len(doc.Extracted) != 1 || doc.Extracted[0].LicenseId != "LicenseRef-public-domain" {
		t.Errorf("%d CONTAINS relationships, extracted %v", contains, doc.Extracted)
	}
}

func TestValidatorCatchesBrokenDocuments(t *testing.T) {
	d := document(t)
	cdx, _ := sbom.CycloneDX(d)
	broken := bytes.Replace(cdx, []byte(`"type": "operating-system"`), []byte(`"type": "virtual-machine"`), 1)
	if err := sbomtest.Validate("cyclonedx", broken); err == nil {
		t.Error("a CycloneDX document with an invalid component type validated")
	}
	spdx, _ := sbom.SPDX(d)
	broken = bytes.Replace(spdx, []byte(`"OPERATING_SYSTEM"`), []byte(`"OPERATING-SYSTEM"`), 1)
	if err := sbomtest.Validate("spdx", broken); err == nil {
		t.Error("OPERATING-SYSTEM (the prose spelling) validated against the SPDX 2.3 JSON schema")
	}
}

func BenchmarkDebian(b *testing.B) {
	var status bytes.Buffer
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&status, "Package: pkg%d\nStatus: install ok installed\nMaintainer: Team <t@example.org>\nArchitecture: amd64\nSource: src%d (1:2.%d-1)\nVersion: 1:2.%d-1+b1\nDescription: package %d\n long description\n\n", i, i/3, i, i, i)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(status.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		d := sbom.Document{OS: debian, Packages: pkgs, SerialUUID: "x", Created: time.Unix(0, 0)}
		if _, err := sbom.CycloneDX(d); err != nil {
			b.Fatal(err)
		}
		if _, err := sbom.SPDX(d); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseDpkgStatus(f *testing.F) {
	f.Add([]byte("Package: a\nStatus: install ok installed\nVersion: 1:2~b+c\nSource: s (1)\n\nPackage: b\nStatus: deinstall ok config-files\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.SourceName == "" {
				t.Fatalf("incomplete package %+v", p)
			}
			if !strings.HasPrefix(sbom.PURL(p, debian), "pkg:deb/debian/") {
				t.Fatalf("purl %s", sbom.PURL(p, debian))
			}
		}
	})
}

func FuzzParseRPMQuery(f *testing.F) {
	f.Add([]byte("bash\t(none)\t5.1\t1.el9\tx86_64\tbash-5.1-1.el9.src.rpm\tGPLv3+\tRed Hat\t10\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		pkgs, err := sbom.ParseRPMQuery(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.Name == "gpg-pubkey" {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}

func FuzzParseAPKInstalled(f *testing.F) {
	f.Add([]byte("P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT\n\nP:b\nV:1\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		pkgs, err := sbom.ParseAPKInstalled(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.SourceName == "" {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}

func FuzzParseCopyrightLicenses(f *testing.F) {
	f.Add([]byte("bash\tGPL-3+ or BSD-3-clause with exception\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := sbom.ParseCopyrightLicenses(bytes.NewReader(in))
		if err != nil {
			return
		}
		for pkg, names := range got {
			for _, n := range names {
				if n == "" || strings.TrimSpace(n) != n {
					t.Fatalf("%s: bad name %q", pkg, n)
				}
			}
		}
	})
}

func FuzzParseOSRelease(f *testing.F) {
	f.Add([]byte("ID=debian\nVERSION_ID=\"12\"\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		o, err := sbom.ParseOSRelease(in)
		if err == nil && o.ID == "" {
			t.Fatal("no ID but no error")
		}
	})
}
