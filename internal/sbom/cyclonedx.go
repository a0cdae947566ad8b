package sbom

import (
	"encoding/json"
	"fmt"
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
	Properties []cdxProperty  `json:"properties,omitempty"`
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
	Publisher    string        `json:"publisher,omitempty"`
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Description  string        `json:"description,omitempty"`
	Licenses     []cdxLicense  `json:"licenses,omitempty"`
	PURL         string        `json:"purl,omitempty"`
	ExternalRefs []cdxExtRef   `json:"externalReferences,omitempty"`
	Properties   []cdxProperty `json:"properties,omitempty"`
}

type cdxLicense struct {
	License cdxLicenseChoice `json:"license"`
}

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
	DependsOn []string `json:"dependsOn,omitempty"`
}

// CycloneDX returns d as CycloneDX 1.6 JSON. The operating-system
// component (name and version from os-release, as grype and trivy read
// it) is the only one of its type, and depends on every package, which is
// how trivy ties OS packages to their OS. The source package is in the
// purl's upstream qualifier (grype) and in trivy's SrcName/SrcVersion
// properties.
func CycloneDX(d Document) ([]byte, error) {
	if d.SerialUUID == "" || d.OS.ID == "" {
		return nil, fmt.Errorf("a CycloneDX document needs a serial UUID and an OS")
	}
	osRef := "os:" + d.OS.ID + "@" + d.OS.VersionID
	osc := cdxComponent{BOMRef: osRef, Type: "operating-system", Name: d.OS.ID, Version: d.OS.VersionID, Description: d.OS.PrettyName}
	if d.OS.HomeURL != "" {
		osc.ExternalRefs = append(osc.ExternalRefs, cdxExtRef{URL: d.OS.HomeURL, Type: "website"})
	}
	if d.OS.BugReportURL != "" {
		osc.ExternalRefs = append(osc.ExternalRefs, cdxExtRef{URL: d.OS.BugReportURL, Type: "issue-tracker"})
	}
	bom := cdxBOM{
		BOMFormat: "CycloneDX", SpecVersion: "1.6", SerialNumber: "urn:uuid:" + d.SerialUUID, Version: 1,
		Metadata: cdxMetadata{
			Timestamp:  d.Created.UTC().Format(time.RFC3339),
			Lifecycles: []cdxLifecycle{{Phase: "post-build"}},
			Tools:      cdxTools{Components: []cdxComponent{{Type: "application", Name: d.Tool.Name, Version: d.Tool.Version}}},
			Properties: []cdxProperty{{Name: "imagesmith:sbom:context", Value: generationContext}},
		},
		Components: []cdxComponent{osc},
	}
	for _, k := range d.propertyKeys() {
		bom.Metadata.Properties = append(bom.Metadata.Properties, cdxProperty{Name: "imagesmith:" + k, Value: d.Properties[k]})
	}
	osDep := cdxDependency{Ref: osRef, DependsOn: []string{}}
	refs := map[string]int{}
	for _, p := range d.sorted() {
		purl := PURL(p, d.OS)
		ref := purl
		if n := refs[purl]; n > 0 {
			ref = fmt.Sprintf("%s#%d", purl, n)
		}
		refs[purl]++
		c := cdxComponent{BOMRef: ref, Type: "library", Publisher: p.Maintainer, Name: p.Name, Version: p.Version, PURL: purl}
		for _, l := range p.Licenses {
			for _, name := range SplitLicenses(l) {
				if id, ok := SPDXLicense(name); ok {
					c.Licenses = append(c.Licenses, cdxLicense{License: cdxLicenseChoice{ID: id}})
				} else {
					c.Licenses = append(c.Licenses, cdxLicense{License: cdxLicenseChoice{Name: name}})
				}
			}
		}
		c.Licenses = uniqueLicenses(c.Licenses)
		srcVersion, srcRelease := p.SourceVersion, ""
		if p.Type == "rpm" {
			if v, r, ok := strings.Cut(p.SourceVersion, "-"); ok {
				srcVersion, srcRelease = v, r
			}
		}
		c.Properties = appendNonEmpty(c.Properties,
			cdxProperty{Name: "aquasecurity:trivy:SrcName", Value: p.SourceName},
			cdxProperty{Name: "aquasecurity:trivy:SrcVersion", Value: srcVersion},
			cdxProperty{Name: "aquasecurity:trivy:SrcRelease", Value: srcRelease},
			cdxProperty{Name: "aquasecurity:trivy:SrcEpoch", Value: p.Epoch},
		)
		bom.Components = append(bom.Components, c)
		osDep.DependsOn = append(osDep.DependsOn, ref)
	}
	bom.Dependencies = []cdxDependency{osDep}
	return json.MarshalIndent(bom, "", "  ")
}

func appendNonEmpty(props []cdxProperty, more ...cdxProperty) []cdxProperty {
	for _, p := range more {
		if p.Value != "" {
			props = append(props, p)
		}
	}
	return props
}

func uniqueLicenses(ls []cdxLicense) []cdxLicense {
	seen := map[cdxLicenseChoice]bool{}
	var out []cdxLicense
	for _, l := range ls {
		if !seen[l.License] {
			seen[l.License] = true
			out = append(out, l)
		}
	}
	return out
}
