package sbom

import (
	"sort"
	"time"
)

// Tool names the generator.
type Tool struct{ Name, Version string }

// Document is what both formats describe.
type Document struct {
	OS       OS
	Packages []Package
	Tool     Tool
	Created  time.Time
	// SerialUUID identifies this document (CycloneDX serialNumber, SPDX
	// documentNamespace).
	SerialUUID string
	// Name names what the document describes, such as the Packer build.
	Name string
	// Properties are recorded as CycloneDX metadata properties and SPDX
	// document annotations (the Packer build name and run UUID).
	Properties map[string]string
}

// sorted returns the packages in a stable order: type, name, arch, version.
func (d Document) sorted() []Package {
	pkgs := append([]Package(nil), d.Packages...)
	sort.SliceStable(pkgs, func(i, j int) bool {
		a, b := pkgs[i], pkgs[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Arch != b.Arch {
			return a.Arch < b.Arch
		}
		return a.Version < b.Version
	})
	return pkgs
}

func (d Document) propertyKeys() []string {
	keys := make([]string, 0, len(d.Properties))
	for k := range d.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

const generationContext = "post-build: the packages installed in the image, read from its package database"
