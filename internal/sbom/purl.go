package sbom

import (
	"sort"
	"strings"
)

// PURL returns the package URL of p installed on o, in canonical form:
// lower-case type and namespace, qualifiers sorted by key, components
// percent-encoded ('+' as %2B, '@' in a qualifier value as %40; ':' stays,
// as in a Debian version with an epoch).
//
//   - deb: pkg:deb/<ID>/<name>@<version with epoch>?arch=..&distro=<ID>-<VERSION_ID>&upstream=..
//   - rpm: pkg:rpm/<ID, rhel as redhat>/<name>@<version-release>?arch=..&distro=..&epoch=..&upstream=<SOURCERPM>
//   - apk: pkg:apk/alpine/<name>@<version>?arch=..&distro=..&upstream=..
//
// upstream names the source package as grype reads it: for deb and apk
// "name", or "name@version" when the source version differs from the
// binary one; for rpm the source RPM file name, as syft writes it.
func PURL(p Package, o OS) string {
	typ := strings.ToLower(p.Type)
	namespace := strings.ToLower(o.ID)
	name := p.Name
	q := map[string]string{}
	if p.Arch != "" {
		q["arch"] = p.Arch
	}
	if d := distro(o); d != "" {
		q["distro"] = d
	}
	switch typ {
	case "rpm":
		if namespace == "rhel" {
			namespace = "redhat"
		}
		if p.Epoch != "" {
			q["epoch"] = p.Epoch
		}
		if p.SourceRPM != "" {
			q["upstream"] = p.SourceRPM
		}
	default:
		// The purl types deb and apk have case-insensitive, lower-case names.
		name = strings.ToLower(name)
		if p.SourceName != "" {
			q["upstream"] = p.SourceName
			if p.SourceVersion != "" && p.SourceVersion != p.Version {
				q["upstream"] += "@" + p.SourceVersion
			}
		}
	}

	var b strings.Builder
	b.WriteString("pkg:" + typ + "/")
	if namespace != "" {
		b.WriteString(escape(namespace) + "/")
	}
	b.WriteString(escape(name))
	if p.Version != "" {
		b.WriteString("@" + escape(p.Version))
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + escape(q[k]))
	}
	return b.String()
}

// distro is the purl distro qualifier: "<ID>-<VERSION_ID>", the codename
// for a release without a VERSION_ID (Debian testing), or the ID alone.
func distro(o OS) string {
	id := strings.ToLower(o.ID)
	switch {
	case id == "":
		return ""
	case o.VersionID != "":
		return id + "-" + o.VersionID
	case o.VersionCodename != "":
		return id + "-" + o.VersionCodename
	}
	return id
}

// escape percent-encodes all but the unreserved characters of RFC 3986
// and ':', which the purl specification leaves as is.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~:", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
