package sbom

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat"`
	SpecVersion  string          `json:"specVersion"`
	SerialNumber string          `json:"serialNumber"`
	Version      int             `json:"version"`
	Metadata     cdxMetadata     `json:"metadata"`
	Components   []cdxComponent  `json:"components"`
	Dependencies []cdxDependency `json:"dependencies"`
}

type cdxMetadata struct {
	Timestamp  string         `json:"timestamp"`
	Lifecycles []cdxLifecycle `json:"lifecycles"`
	Tools      cdxTools       `json:"tools"`
	Properties []cdxProperty  `json:"properties"`
}

type cdxLifecycle struct {
	Phase string `json:"phase"`
}

type cdxTools struct {
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	BOMRef       string        `json:"bom-ref,omitempty"`
	Type         string        `json:"type"`
	Supplier     *cdxSupplier  `json:"supplier,omitempty"`
	Publisher    string        `json:"publisher,omitempty"`
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Description  string        `json:"description,omitempty"`
	Licenses     []cdxLicense  `json:"licenses,omitempty"`
	PURL         string        `json:"purl,omitempty"`
	ExternalRefs []cdxExtRef   `json:"externalReferences,omitempty"`
	Properties   []cdxProperty `json:"properties,omitempty"`
}

type cdxSupplier struct {
	Name    string       `json:"name"`
	Contact []cdxContact `json:"contact,omitempty"`
}

type cdxContact struct {
	Email string `json:"email"`
}

type cdxLicense struct {
	License cdxLicenseChoice `json:"license"`
}

// cdxLicenseChoice has an id when the schema's SPDX enum lists it, else a
// name.
type cdxLicenseChoice struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type cdxExtRef struct {
	URL  string `json:"url"`
	Type string `json:"type"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// CycloneDX returns d as CycloneDX 1.6 JSON, indented, the same bytes for
// equal input.
//
// There is exactly one component of type operating-system (trivy rejects
// a second one, and a metadata.component would be one to syft), named by
// osFamily and versioned by VERSION_ID, with the os-release values in
// syft:distro:* properties for grype. Its dependencies entry lists every
// package: that is how trivy ties OS packages to their OS. Each package's
// source package is in its purl's upstream qualifier (grype) and in
// trivy's aquasecurity:trivy:Src* properties.
func CycloneDX(d Document) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("CycloneDX: %w", err)
	}
	osRef := "os:" + joinID(osFamily(d.OS), osVersion(d.OS))
	osc := cdxComponent{
		BOMRef: osRef, Type: "operating-system", Name: osFamily(d.OS), Version: osVersion(d.OS),
		Description: prettyName(d.OS), Properties: osProperties(d.OS),
	}
	if webURL(d.OS.HomeURL) {
		osc.ExternalRefs = append(osc.ExternalRefs, cdxExtRef{URL: d.OS.HomeURL, Type: "website"})
	}
	if webURL(d.OS.BugReportURL) {
		osc.ExternalRefs = append(osc.ExternalRefs, cdxExtRef{URL: d.OS.BugReportURL, Type: "issue-tracker"})
	}
	bom := cdxBOM{
		BOMFormat: "CycloneDX", SpecVersion: "1.6", SerialNumber: "urn:uuid:" + strings.ToLower(d.SerialUUID), Version: 1,
		Metadata: cdxMetadata{
			Timestamp:  d.Created.UTC().Format(time.RFC3339),
			Lifecycles: []cdxLifecycle{{Phase: "post-build"}},
			Tools:      cdxTools{Components: []cdxComponent{{Type: "application", Name: d.Tool.Name, Version: d.Tool.Version}}},
			// CycloneDX 1.6 metadata has no description: a property says
			// what the document lists.
			Properties: []cdxProperty{{Name: "imagesmith:sbom:description", Value: description}},
		},
	}
	if d.Name != "" {
		bom.Metadata.Properties = append(bom.Metadata.Properties, cdxProperty{Name: "imagesmith:sbom:name", Value: d.Name})
	}
	for _, k := range d.propertyKeys() {
		bom.Metadata.Properties = append(bom.Metadata.Properties, cdxProperty{Name: "imagesmith:" + k, Value: d.Properties[k]})
	}
	entries := d.entries()
	bom.Components = make([]cdxComponent, 0, len(entries)+1)
	bom.Components = append(bom.Components, osc)
	osDep := cdxDependency{Ref: osRef, DependsOn: make([]string, 0, len(entries))}
	for _, e := range entries {
		bom.Components = append(bom.Components, cdxPackage(e))
		osDep.DependsOn = append(osDep.DependsOn, e.purl)
	}
	bom.Dependencies = []cdxDependency{osDep}
	return marshal(bom)
}

// osProperties are the os-release values under the names syft's decoder
// reads into the distro it gives grype (syft:distro:<field>, the fields of
// linux.Release tagged `cyclonedx`; NAME has no tag, so it is not one).
func osProperties(o OS) []cdxProperty {
	props := appendNonEmpty(nil,
		cdxProperty{Name: "syft:distro:id", Value: o.ID},
		cdxProperty{Name: "syft:distro:prettyName", Value: o.PrettyName},
		cdxProperty{Name: "syft:distro:versionCodename", Value: o.VersionCodename},
		cdxProperty{Name: "syft:distro:versionID", Value: o.VersionID},
	)
	for i, like := range o.IDLike {
		props = append(props, cdxProperty{Name: "syft:distro:idLike:" + strconv.Itoa(i), Value: like})
	}
	return props
}

func cdxPackage(e entry) cdxComponent {
	c := cdxComponent{
		BOMRef: e.purl, Type: "library", Name: e.Name, Version: displayVersion(e.Package), PURL: e.purl,
		Publisher: e.Maintainer,
	}
	if name, email := maintainer(e.Maintainer); name != "" || email != "" {
		if name == "" {
			name = email
		}
		c.Supplier = &cdxSupplier{Name: name}
		if email != "" {
			c.Supplier.Contact = []cdxContact{{Email: email}}
		}
	}
	for _, name := range licenseNames(e.Package) {
		if id, ok := SPDXLicense(name); ok {
			c.Licenses = append(c.Licenses, cdxLicense{License: cdxLicenseChoice{ID: id}})
		} else {
			c.Licenses = append(c.Licenses, cdxLicense{License: cdxLicenseChoice{Name: name}})
		}
	}
	c.Licenses = uniqueLicenses(c.Licenses)
	epoch, version, release := splitSourceVersion(e.Package)
	c.Properties = appendNonEmpty(nil,
		cdxProperty{Name: "aquasecurity:trivy:SrcName", Value: e.SourceName},
		cdxProperty{Name: "aquasecurity:trivy:SrcVersion", Value: version},
		cdxProperty{Name: "aquasecurity:trivy:SrcRelease", Value: release},
		cdxProperty{Name: "aquasecurity:trivy:SrcEpoch", Value: epoch},
		cdxProperty{Name: "imagesmith:package:arch", Value: e.Arch},
		cdxProperty{Name: "imagesmith:package:source_version", Value: sourceVersion(e.Package)},
	)
	if e.InstalledSizeKiB > 0 {
		c.Properties = append(c.Properties, cdxProperty{Name: "imagesmith:package:installed_size_kib", Value: strconv.FormatInt(e.InstalledSizeKiB, 10)})
	}
	c.Properties = append(c.Properties, syftProperties(e.Package)...)
	return c
}

// syftMetadataTypes are the names syft gives its package database entries
// (internal/packagemetadata/names.go).
var syftMetadataTypes = map[string]string{"deb": "dpkg-db-entry", "rpm": "rpm-db-entry", "apk": "apk-db-entry"}

// syftProperties are the package properties syft's CycloneDX decoder reads
// into its package metadata (cyclonedxutil/helpers/component.go: the
// metadata type, then the struct fields tagged `cyclonedx`), where grype
// finds the source package: DpkgDBEntry source and sourceVersion,
// RpmDBEntry epoch, release and sourceRpm, ApkDBEntry originPackage.
// Without them `syft convert` and grype's syft-json path lose the source
// package, which the purl's upstream qualifier alone does not carry there.
func syftProperties(p Package) []cdxProperty {
	kind, ok := syftMetadataTypes[p.Type]
	if !ok {
		return nil
	}
	props := []cdxProperty{
		{Name: "syft:package:metadataType", Value: kind},
		{Name: "syft:package:type", Value: p.Type},
	}
	switch p.Type {
	case "deb":
		// As syft's dpkg cataloger: a source only when the package names
		// one (another name, or a binNMU's other version).
		if p.SourceName != p.Name || p.SourceVersion != p.Version {
			props = append(props,
				cdxProperty{Name: "syft:metadata:source", Value: p.SourceName},
				cdxProperty{Name: "syft:metadata:sourceVersion", Value: p.SourceVersion})
		}
		if p.InstalledSizeKiB > 0 {
			props = append(props, cdxProperty{Name: "syft:metadata:installedSize", Value: strconv.FormatInt(p.InstalledSizeKiB, 10)})
		}
	case "rpm":
		if _, err := strconv.Atoi(p.Epoch); err == nil {
			props = append(props, cdxProperty{Name: "syft:metadata:epoch", Value: p.Epoch})
		}
		if i := strings.LastIndexByte(p.Version, '-'); i > 0 && i < len(p.Version)-1 {
			props = append(props, cdxProperty{Name: "syft:metadata:release", Value: p.Version[i+1:]})
		}
		props = appendNonEmpty(props, cdxProperty{Name: "syft:metadata:sourceRpm", Value: p.SourceRPM})
	case "apk":
		props = appendNonEmpty(props, cdxProperty{Name: "syft:metadata:originPackage", Value: p.SourceName})
	}
	return props
}

// webURL reports whether an os-release URL is a plain http(s) URL, fit
// for an externalReference (the schema wants an IRI reference).
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n\"<>\\^`{|}")
}

func appendNonEmpty(props []cdxProperty, more ...cdxProperty) []cdxProperty {
	for _, p := range more {
		if p.Value != "" {
			props = append(props, p)
		}
	}
	return props
}

// uniqueLicenses drops repeats: two names can map to one id (Expat, MIT).
func uniqueLicenses(ls []cdxLicense) []cdxLicense {
	seen := map[cdxLicenseChoice]bool{}
	out := ls[:0]
	for _, l := range ls {
		if !seen[l.License] {
			seen[l.License] = true
			out = append(out, l)
		}
	}
	return out
}
