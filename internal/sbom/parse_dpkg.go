package sbom

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseDpkgStatus reads /var/lib/dpkg/status. Only packages whose files
// are on disk are kept: not-installed and config-files (removed, its
// configuration left) are not in the image.
func ParseDpkgStatus(r io.Reader) ([]Package, error) {
	var out []Package
	fields := map[string]string{}
	last, start := "", 0
	flush := func() error {
		if len(fields) == 0 {
			return nil
		}
		defer func() { fields = map[string]string{}; last = "" }()
		p, keep, err := dpkgPackage(fields)
		if err != nil {
			return fmt.Errorf("dpkg status, stanza at line %d: %w", start, err)
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
				return fmt.Errorf("dpkg status line %d: continuation line before any field", n)
			}
			fields[last] += "\n" + strings.TrimSpace(line)
			return nil
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return fmt.Errorf("dpkg status line %d: %q is not a field", n, short(line))
		}
		if len(fields) == 0 {
			start = n
		}
		last = key
		fields[key] = strings.TrimSpace(value)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

func dpkgPackage(f map[string]string) (Package, bool, error) {
	p := Package{Type: "deb", Name: f["Package"], Version: f["Version"], Arch: f["Architecture"], Maintainer: f["Maintainer"]}
	if p.Name == "" {
		return p, false, fmt.Errorf("no Package field")
	}
	status := strings.Fields(f["Status"])
	if len(status) != 3 {
		return p, false, fmt.Errorf("package %s: Status %q is not \"want flag status\"", p.Name, f["Status"])
	}
	if status[2] == "not-installed" || status[2] == "config-files" {
		return p, false, nil
	}
	if p.Version == "" {
		return p, false, fmt.Errorf("package %s: no Version", p.Name)
	}
	p.SourceName, p.SourceVersion = p.Name, p.Version
	if src := f["Source"]; src != "" {
		name, rest, _ := strings.Cut(src, " ")
		p.SourceName = name
		if rest = strings.TrimSpace(rest); rest != "" {
			if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
				return p, false, fmt.Errorf("package %s: Source %q is not \"name (version)\"", p.Name, src)
			}
			p.SourceVersion = strings.TrimSpace(rest[1 : len(rest)-1])
		}
	}
	if s := f["Installed-Size"]; s != "" {
		p.InstalledSizeKiB, _ = strconv.ParseInt(s, 10, 64)
	}
	return p, true, nil
}
