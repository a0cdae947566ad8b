package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Tool names the generator.
type Tool struct{ Name, Version string }

// Document is what both formats describe: the packages installed in one
// image.
type Document struct {
	OS       OS
	Packages []Package
	Tool     Tool
	Created  time.Time
	// SerialUUID identifies this document: the CycloneDX serialNumber and
	// the end of the SPDX documentNamespace.
	SerialUUID string
	// Name names what the document describes, such as the Packer build.
	Name string
	// Properties are recorded as CycloneDX metadata properties and SPDX
	// document annotations (the Packer build name and run UUID).
	Properties map[string]string
}

// description says what both documents list, for people reading them.
const description = "post-build: the packages installed in the image, read from its package database"

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (d Document) check() error {
	switch {
	case d.OS.ID == "":
		return fmt.Errorf("no OS ID")
	case !uuidRE.MatchString(d.SerialUUID):
		return fmt.Errorf("serial %q is not a UUID", d.SerialUUID)
	case d.Tool.Name == "":
		return fmt.Errorf("no tool name")
	case d.Created.IsZero():
		return fmt.Errorf("no creation time")
	}
	for i, p := range d.Packages {
		if p.Name == "" || p.Version == "" {
			return fmt.Errorf("package %d (%q) has no name or version", i, p.Name)
		}
		if p.Type != "deb" && p.Type != "rpm" && p.Type != "apk" {
			return fmt.Errorf("package %s: type %q is not deb, rpm or apk", p.Name, p.Type)
		}
	}
	return nil
}

// entry is a package with its purl.
type entry struct {
	Package
	purl string
}

// entries returns the packages sorted by type, name, arch and version
// (then purl), so equal input gives equal output, without repeats: two
// entries with one purl are one installed package listed twice.
func (d Document) entries() []entry {
	out := make([]entry, 0, len(d.Packages))
	for _, p := range d.Packages {
		out = append(out, entry{p, PURL(p, d.OS)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Type != b.Type:
			return a.Type < b.Type
		case a.Name != b.Name:
			return a.Name < b.Name
		case a.Arch != b.Arch:
			return a.Arch < b.Arch
		case a.Version != b.Version:
			return a.Version < b.Version
		}
		return a.purl < b.purl
	})
	uniq := out[:0]
	for i, e := range out {
		if i == 0 || e.purl != out[i-1].purl {
			uniq = append(uniq, e)
		}
	}
	return uniq
}

func (d Document) propertyKeys() []string {
	keys := make([]string, 0, len(d.Properties))
	for k := range d.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// osFamily is the OS component's name: the os-release ID, except where
// trivy, which takes the name as its OS family, spells it otherwise
// (pkg/fanal/types: "redhat", "amazon", ...); with another name trivy
// finds no vulnerability data for the OS. grype reads the os-release ID
// from the syft:distro:id property and the purls instead.
func osFamily(o OS) string {
	id := strings.ToLower(o.ID)
	if f, ok := trivyFamilies[id]; ok {
		return f
	}
	return id
}

var trivyFamilies = map[string]string{
	"rhel": "redhat", "amzn": "amazon", "ol": "oracle", "almalinux": "alma",
	"mariner": "cbl-mariner", "sle-micro": "slem",
}

// osVersion is the OS component's version: VERSION_ID, or the codename of
// a release without one (Debian testing).
func osVersion(o OS) string {
	if o.VersionID != "" {
		return o.VersionID
	}
	return o.VersionCodename
}

func prettyName(o OS) string {
	if o.PrettyName != "" {
		return o.PrettyName
	}
	return strings.TrimSpace(o.Name + " " + o.VersionID)
}

// displayVersion is the version people and syft expect: rpm's with its
// epoch ("1:3.0.7-24.el9"), which the purl keeps in a qualifier.
func displayVersion(p Package) string {
	if p.Type == "rpm" && p.Epoch != "" {
		return p.Epoch + ":" + p.Version
	}
	return p.Version
}

// sourceVersion is the source package's full version: rpm's gets the
// binary epoch, as rpm builds both from one spec file.
func sourceVersion(p Package) string {
	if p.Type == "rpm" && p.Epoch != "" && p.SourceVersion != "" {
		return p.Epoch + ":" + p.SourceVersion
	}
	return p.SourceVersion
}

// splitSourceVersion splits the source version as trivy stores it: epoch,
// version and release (Debian revision) apart; apk versions are whole.
func splitSourceVersion(p Package) (epoch, version, release string) {
	v := sourceVersion(p)
	if p.Type != "deb" && p.Type != "rpm" {
		return "", v, ""
	}
	if e, rest, ok := strings.Cut(v, ":"); ok {
		if _, err := strconv.Atoi(e); err == nil {
			epoch, v = e, rest
		}
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 && i < len(v)-1 {
		return epoch, v[:i], v[i+1:]
	}
	return epoch, v, ""
}

// maintainer splits "Name <email>" (dpkg, apk) or a vendor name (rpm).
// The email is returned only when it parses as one.
func maintainer(m string) (name, email string) {
	m = strings.TrimSpace(m)
	if a, err := mail.ParseAddress(m); err == nil && !strings.ContainsAny(a.Address, " \t") {
		return strings.TrimSpace(a.Name), a.Address
	}
	return m, ""
}

// marshal is json.MarshalIndent without HTML escaping: purls keep their
// '&' and maintainers their '<' '>' readable. Indenting into a buffer
// sized up front saves regrowing it: most of the encoders' time.
func marshal(v any) ([]byte, error) {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(compact.Len() * 2)
	if err := json.Indent(&out, bytes.TrimSuffix(compact.Bytes(), []byte("\n")), "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
