package sbom

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

type spdxDoc struct {
	SPDXVersion       string             `json:"spdxVersion"`
	DataLicense       string             `json:"dataLicense"`
	SPDXID            string             `json:"SPDXID"`
	Name              string             `json:"name"`
	DocumentNamespace string             `json:"documentNamespace"`
	CreationInfo      spdxCreation       `json:"creationInfo"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
	ExtractedLicenses []spdxExtracted    `json:"hasExtractedLicensingInfos,omitempty"`
	Annotations       []spdxAnnotation   `json:"annotations,omitempty"`
}

type spdxCreation struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
	Comment  string   `json:"comment"`
}

type spdxPackage struct {
	SPDXID           string       `json:"SPDXID"`
	Name             string       `json:"name"`
	VersionInfo      string       `json:"versionInfo,omitempty"`
	Supplier         string       `json:"supplier"`
	DownloadLocation string       `json:"downloadLocation"`
	FilesAnalyzed    bool         `json:"filesAnalyzed"`
	LicenseConcluded string       `json:"licenseConcluded"`
	LicenseDeclared  string       `json:"licenseDeclared"`
	CopyrightText    string       `json:"copyrightText"`
	SourceInfo       string       `json:"sourceInfo,omitempty"`
	Description      string       `json:"description,omitempty"`
	Comment          string       `json:"comment,omitempty"`
	ExternalRefs     []spdxExtRef `json:"externalRefs,omitempty"`
	PrimaryPurpose   string       `json:"primaryPackagePurpose"`
}

type spdxExtRef struct {
	Category string `json:"referenceCategory"`
	Type     string `json:"referenceType"`
	Locator  string `json:"referenceLocator"`
}

type spdxRelationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

type spdxExtracted struct {
	LicenseID     string `json:"licenseId"`
	Name          string `json:"name"`
	ExtractedText string `json:"extractedText"`
}

type spdxAnnotation struct {
	Date      string `json:"annotationDate"`
	Type      string `json:"annotationType"`
	Annotator string `json:"annotator"`
	Comment   string `json:"comment"`
}

const (
	noAssertion = "NOASSERTION"

	// purposeOS is the operating system package's primaryPackagePurpose,
	// with an underscore: the official SPDX 2.3 JSON schema's enum has
	// OPERATING_SYSTEM while the 2.3 specification's prose writes
	// OPERATING-SYSTEM; the schema is what validators check, so the
	// document validates. (trivy reads the OS from the SPDXID prefix, not
	// from this field.)
	purposeOS = "OPERATING_SYSTEM"
	// purposePackage is every installed package's: LIBRARY, as trivy and
	// syft write for distribution packages and as the CycloneDX document
	// types them. A deb, rpm or apk is a unit of distribution, whatever it
	// holds: APPLICATION would claim it is a program, which most (libc6,
	// tzdata) are not, and trivy gives SPDXRef-Application-* packages
	// another meaning (a lock file holding language packages).
	purposePackage = "LIBRARY"

	// sourceInfoPrefix is how trivy writes and reads the source package.
	sourceInfoPrefix = "built package from: "

	namespaceBase = "https://github.com/imagesmith/packer-plugin-hardening/sbom/"
)

// SPDX returns d as SPDX 2.3 JSON, indented, the same bytes for equal
// input: the document describes one operating system package, which
// contains every installed package.
//
// The OS package's SPDXID starts with SPDXRef-OperatingSystem and the
// others' with SPDXRef-Package: trivy tells them apart by that prefix. Its
// name is osFamily, as trivy reads it; grype takes the distro from the
// purls' distro qualifier. Each package's sourceInfo is "built package
// from: <source> <version>", the form trivy writes and parses.
func SPDX(d Document) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("SPDX: %w", err)
	}
	created := d.Created.UTC().Format(time.RFC3339)
	tool := "Tool: " + d.Tool.Name
	if d.Tool.Version != "" {
		tool += "-" + d.Tool.Version
	}
	name := d.Name
	if name == "" {
		name = joinID(osFamily(d.OS), osVersion(d.OS))
	}
	doc := spdxDoc{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: name,
		DocumentNamespace: namespaceBase + idString(name) + "-" + strings.ToLower(d.SerialUUID),
		CreationInfo:      spdxCreation{Created: created, Creators: []string{tool}, Comment: description},
	}
	for _, k := range d.propertyKeys() {
		doc.Annotations = append(doc.Annotations, spdxAnnotation{Date: created, Type: "OTHER", Annotator: tool, Comment: k + "=" + d.Properties[k]})
	}

	osID := "SPDXRef-OperatingSystem-" + joinID(osFamily(d.OS), osVersion(d.OS))
	osPkg := spdxPackage{
		SPDXID: osID, Name: osFamily(d.OS), VersionInfo: osVersion(d.OS), Supplier: noAssertion,
		DownloadLocation: noAssertion, LicenseConcluded: noAssertion, LicenseDeclared: noAssertion, CopyrightText: noAssertion,
		Description: prettyName(d.OS), PrimaryPurpose: purposeOS,
	}
	if osPkg.Name != strings.ToLower(d.OS.ID) {
		osPkg.Comment = "os-release ID: " + d.OS.ID
	}
	entries := d.entries()
	doc.Packages = make([]spdxPackage, 0, len(entries)+1)
	doc.Packages = append(doc.Packages, osPkg)
	doc.Relationships = make([]spdxRelationship, 0, len(entries)+1)
	doc.Relationships = append(doc.Relationships, spdxRelationship{Element: "SPDXRef-DOCUMENT", Type: "DESCRIBES", Related: osID})

	ids := map[string]bool{osID: true}
	lic := newLicenseRefs()
	for _, e := range entries {
		base := "SPDXRef-Package-" + joinID(e.Type, e.Name, displayVersion(e.Package), e.Arch)
		id := base
		for n := 2; ids[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		ids[id] = true
		sp := spdxPackage{
			SPDXID: id, Name: e.Name, VersionInfo: displayVersion(e.Package), Supplier: spdxSupplier(e.Maintainer),
			DownloadLocation: noAssertion, LicenseConcluded: noAssertion, LicenseDeclared: lic.declared(e.Package),
			CopyrightText: noAssertion, PrimaryPurpose: purposePackage,
			ExternalRefs: []spdxExtRef{{Category: "PACKAGE-MANAGER", Type: "purl", Locator: e.purl}},
		}
		if e.SourceName != "" {
			sp.SourceInfo = strings.TrimSpace(sourceInfoPrefix + e.SourceName + " " + sourceVersion(e.Package))
		}
		doc.Packages = append(doc.Packages, sp)
		doc.Relationships = append(doc.Relationships, spdxRelationship{Element: osID, Type: "CONTAINS", Related: id})
	}
	doc.ExtractedLicenses = lic.extracted()
	return marshal(doc)
}

// spdxSupplier makes a maintainer an SPDX agent, "Organization: name
// (email)": a maintainer field does not say whether it is a person or a
// team, and most are teams or vendors.
func spdxSupplier(m string) string {
	name, email := maintainer(m)
	switch {
	case name == "" && email == "":
		return noAssertion
	case name == "":
		return "Organization: " + email
	}
	s := "Organization: " + strings.Join(strings.Fields(name), " ")
	if email != "" {
		s += " (" + email + ")"
	}
	return s
}

// licenseRefs gives each license name SPDX does not list one LicenseRef-
// id, distinct for distinct names, and remembers them for
// hasExtractedLicensingInfos.
type licenseRefs struct {
	byName map[string]string
	byRef  map[string]string
}

func newLicenseRefs() *licenseRefs {
	return &licenseRefs{byName: map[string]string{}, byRef: map[string]string{}}
}

func (l *licenseRefs) ref(name string) string {
	if ref, ok := l.byName[name]; ok {
		return ref
	}
	base := licenseRef(name)
	ref := base
	for n := 2; l.byRef[ref] != ""; n++ {
		ref = base + "-" + strconv.Itoa(n)
	}
	l.byName[name], l.byRef[ref] = ref, name
	return ref
}

// declared is the package's licenseDeclared: every declared license joined
// with AND, or NOASSERTION when it declares none.
func (l *licenseRefs) declared(p Package) string {
	var ids []string
	seen := map[string]bool{}
	for _, name := range licenseNames(p) {
		id, ok := SPDXLicense(name)
		if !ok {
			id = l.ref(name)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return noAssertion
	}
	return strings.Join(ids, " AND ")
}

func (l *licenseRefs) extracted() []spdxExtracted {
	refs := make([]string, 0, len(l.byRef))
	for ref := range l.byRef {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	out := make([]spdxExtracted, 0, len(refs))
	for _, ref := range refs {
		name := l.byRef[ref]
		out = append(out, spdxExtracted{
			LicenseID: ref, Name: name,
			ExtractedText: "The package declares the license \"" + name + "\", which has no SPDX license identifier. This document does not hold its text.",
		})
	}
	return out
}
