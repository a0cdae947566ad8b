package sbom

import (
	"fmt"
	"sort"
	"strings"
)

// PURL returns the package URL of p on o, canonical per the purl
// specification: lower-case type, qualifiers sorted by key, components
// percent-encoded ('+' as %2B, '@' in values as %40; ':' may stay in a
// version). For rpm the epoch is a qualifier, not part of the version;
// upstream is the source package ("name", or "name@version" when the
// source version differs) and for rpm the source RPM file name, as grype
// and syft expect.
func PURL(p Package, o OS) string {
	q := map[string]string{}
	if p.Arch != "" {
		q["arch"] = p.Arch
	}
	if o.ID != "" {
		q["distro"] = strings.Trim(o.ID+"-"+o.VersionID, "-")
	}
	namespace := o.ID
	switch p.Type {
	case "rpm":
		if p.Epoch != "" {
			q["epoch"] = p.Epoch
		}
		if p.SourceRPM != "" {
			q["upstream"] = p.SourceRPM
		}
		if namespace == "rhel" {
			namespace = "redhat"
		}
	default:
		if p.SourceName != "" {
			q["upstream"] = p.SourceName
			if p.SourceVersion != "" && p.SourceVersion != p.Version {
				q["upstream"] += "@" + p.SourceVersion
			}
		}
	}
	var b strings.Builder
	b.WriteString("pkg:" + strings.ToLower(p.Type) + "/")
	if namespace != "" {
		b.WriteString(escape(strings.ToLower(namespace), false) + "/")
	}
	b.WriteString(escape(p.Name, false))
	if p.Version != "" {
		b.WriteString("@" + escape(p.Version, true))
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
		b.WriteString(k + "=" + escape(q[k], true))
	}
	return b.String()
}

// escape percent-encodes everything but unreserved characters (and ':'
// when colon).
func escape(s string, colon bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || colon && c == ':' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
