package sbom

import (
	"encoding/json"
	"fmt"
	"sort"
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
	Supplier         string       `json:"supplier,omitempty"`
	DownloadLocation string       `json:"downloadLocation"`
	FilesAnalyzed    bool         `json:"filesAnalyzed"`
	LicenseConcluded string       `json:"licenseConcluded"`
	LicenseDeclared  string       `json:"licenseDeclared"`
	CopyrightText    string       `json:"copyrightText"`
	SourceInfo       string       `json:"sourceInfo,omitempty"`
	Description      string       `json:"description,omitempty"`
	ExternalRefs     []spdxExtRef `json:"externalRefs,omitempty"`
	PrimaryPurpose   string       `json:"primaryPackagePurpose,omitempty"`
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
	ExtractedText string `json:"extractedText"`
	Name          string `json:"name"`
}

type spdxAnnotation struct {
	Date      string `json:"annotationDate"`
	Type      string `json:"annotationType"`
	Annotator string `json:"annotator"`
	Comment   string `json:"comment"`
}

const noAssertion = "NOASSERTION"

// SPDX returns d as SPDX 2.3 JSON: the document describes one operating
// system package that contains every installed package.
//
// The OS package's purpose is OPERATING_SYSTEM, with an underscore: that
// is the official SPDX 2.3 JSON schema's enum value, while the
// specification's prose writes OPERATING-SYSTEM; the schema wins so the
// document validates. Its SPDXID starts with SPDXRef-OperatingSystem and
// each package's sourceInfo reads "built package from: <source> <version>",
// the forms trivy writes and reads back.
func SPDX(d Document) ([]byte, error) {
	if d.SerialUUID == "" || d.OS.ID == "" {
		return nil, fmt.Errorf("an SPDX document needs a serial UUID and an OS")
	}
	created := d.Created.UTC().Format(time.RFC3339)
	tool := "Tool: " + d.Tool.Name + "-" + d.Tool.Version
	name := d.Name
	if name == "" {
		name = d.OS.ID + "-" + d.OS.VersionID
	}
	doc := spdxDoc{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: name,
		DocumentNamespace: "https://github.com/imagesmith/packer-plugin-hardening/sbom/" + d.SerialUUID,
		CreationInfo:      spdxCreation{Created: created, Creators: []string{tool}, Comment: generationContext},
	}
	for _, k := range d.propertyKeys() {
		doc.Annotations = append(doc.Annotations, spdxAnnotation{Date: created, Type: "OTHER", Annotator: tool, Comment: k + "=" + d.Properties[k]})
	}
	osID := "SPDXRef-OperatingSystem-" + spdxIDPart(d.OS.ID+"-"+d.OS.VersionID)
	doc.Packages = append(doc.Packages, spdxPackage{
		SPDXID: osID, Name: d.OS.ID, VersionInfo: d.OS.VersionID, Description: d.OS.PrettyName,
		DownloadLocation: noAssertion, LicenseConcluded: noAssertion, LicenseDeclared: noAssertion, CopyrightText: noAssertion,
		PrimaryPurpose: "OPERATING_SYSTEM",
	})
	doc.Relationships = append(doc.Relationships, spdxRelationship{Element: "SPDXRef-DOCUMENT", Type: "DESCRIBES", Related: osID})
	ids := map[string]bool{osID: true}
	extracted := map[string]string{}
	for _, p := range d.sorted() {
		id := "SPDXRef-Package-" + spdxIDPart(p.Type+"-"+p.Name+"-"+p.Arch)
		for n := 2; ids[id]; n++ {
			id = fmt.Sprintf("SPDXRef-Package-%s-%d", spdxIDPart(p.Type+"-"+p.Name+"-"+p.Arch), n)
		}
		ids[id] = true
		sp := spdxPackage{
			SPDXID: id, Name: p.Name, VersionInfo: p.Version, Supplier: supplier(p.Maintainer),
			DownloadLocation: noAssertion, LicenseConcluded: noAssertion, LicenseDeclared: declared(p.Licenses, extracted),
			CopyrightText: noAssertion, PrimaryPurpose: "LIBRARY",
			ExternalRefs: []spdxExtRef{{Category: "PACKAGE-MANAGER", Type: "purl", Locator: PURL(p, d.OS)}},
		}
		if p.SourceName != "" {
			sp.SourceInfo = strings.TrimSpace("built package from: " + p.SourceName + " " + p.SourceVersion)
		}
		doc.Packages = append(doc.Packages, sp)
		doc.Relationships = append(doc.Relationships, spdxRelationship{Element: osID, Type: "CONTAINS", Related: id})
	}
	refs := make([]string, 0, len(extracted))
	for ref := range extracted {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		doc.ExtractedLicenses = append(doc.ExtractedLicenses, spdxExtracted{
			LicenseID: ref, Name: extracted[ref],
			ExtractedText: "License declared as \"" + extracted[ref] + "\" by the package database or the package's copyright file; the text is in the image.",
		})
	}
	return json.MarshalIndent(doc, "", "  ")
}

// declared is the AND of the package's licenses, with names SPDX does not
// list as LicenseRef- identifiers recorded in extracted.
func declared(licenses []string, extracted map[string]string) string {
	var ids []string
	seen := map[string]bool{}
	for _, l := range licenses {
		for _, name := range SplitLicenses(l) {
			id, ok := SPDXLicense(name)
			if !ok {
				id = licenseRef(name)
				extracted[id] = name
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return noAssertion
	}
	return strings.Join(ids, " AND ")
}

// supplier turns a maintainer ("Name <email>") into an SPDX agent.
func supplier(m string) string {
	m = strings.TrimSpace(m)
	if m == "" {
		return noAssertion
	}
	name, email, ok := strings.Cut(m, "<")
	if ok {
		return "Organization: " + strings.TrimSpace(name) + " (" + strings.TrimSuffix(strings.TrimSpace(email), ">") + ")"
	}
	return "Organization: " + m
}

func spdxIDPart(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}
