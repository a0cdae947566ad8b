package sbom

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseDpkgStatus reads /var/lib/dpkg/status: blank-line separated stanzas
// of "Field: value" lines, continuation lines starting with a space or a
// tab. Continuation lines belong to multi-line fields this parser does not
// use (Description, Conffiles): they are checked and skipped, which also
// keeps a huge field from costing more than its size.
//
// Only packages whose files are on disk are returned: a status of
// not-installed (known, never installed or purged) or config-files
// (removed, configuration left) is not in the image. The same package for
// two architectures (multi-arch) is two packages.
func ParseDpkgStatus(r io.Reader) ([]Package, error) {
	var out []Package
	fields := map[string]string{}
	last, start := "", 0
	flush := func() error {
		if len(fields) == 0 {
			return nil
		}
		p, keep, err := dpkgPackage(fields)
		clear(fields)
		last = ""
		if err != nil {
			return fmt.Errorf("stanza at line %d: %w", start, err)
		}
		if keep {
			out = append(out, p)
		}
		return nil
	}
	err := lines(r, func(n int, line string) error {
		switch {
		case strings.TrimSpace(line) == "":
			return flush()
		case line[0] == ' ' || line[0] == '\t':
			if last == "" {
				return fmt.Errorf("line %d: continuation line before any field", n)
			}
			return nil
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return fmt.Errorf("line %d: %q is not a field", n, short(line))
		}
		if len(fields) == 0 {
			start = n
		}
		if _, dup := fields[key]; dup {
			return fmt.Errorf("line %d: field %s repeated in the stanza", n, key)
		}
		last = key
		fields[key] = strings.TrimSpace(value)
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, fmt.Errorf("dpkg status: %w", err)
	}
	return out, nil
}

// dpkgPackage makes a stanza into a package, and says whether its files
// are on disk.
func dpkgPackage(f map[string]string) (Package, bool, error) {
	p := Package{Type: "deb", Name: f["Package"], Version: f["Version"], Arch: f["Architecture"], Maintainer: f["Maintainer"]}
	if p.Name == "" {
		return p, false, fmt.Errorf("no Package field")
	}
	if strings.ContainsAny(p.Name, " \t\n") {
		return p, false, fmt.Errorf("package name %q has white space", short(p.Name))
	}
	status := strings.Fields(f["Status"])
	if len(status) != 3 {
		return p, false, fmt.Errorf("package %s: Status %q is not \"want flag status\"", p.Name, short(f["Status"]))
	}
	if status[2] == "not-installed" || status[2] == "config-files" {
		return p, false, nil
	}
	if p.Version == "" || strings.ContainsAny(p.Version, " \t\n") {
		return p, false, fmt.Errorf("package %s: Version %q is empty or has white space", p.Name, short(p.Version))
	}
	// Source is "name" or "name (version)"; without it the source package
	// is the binary one.
	p.SourceName, p.SourceVersion = p.Name, p.Version
	if src := f["Source"]; src != "" {
		name, rest, _ := strings.Cut(src, " ")
		p.SourceName = name
		if rest = strings.TrimSpace(rest); rest != "" {
			v := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
			if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") || v == "" || strings.ContainsAny(v, " \t\n") {
				return p, false, fmt.Errorf("package %s: Source %q is not \"name (version)\"", p.Name, short(src))
			}
			p.SourceVersion = v
		}
	}
	if s := f["Installed-Size"]; s != "" {
		size, err := strconv.ParseInt(s, 10, 64)
		if err != nil || size < 0 {
			return p, false, fmt.Errorf("package %s: Installed-Size %q is not a number", p.Name, short(s))
		}
		p.InstalledSizeKiB = size
	}
	return p, true, nil
}
