package sbom

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseAPKInstalled reads /lib/apk/db/installed: blank-line separated
// records of "X:value" lines. Used: P name, V version, A arch, o origin
// (the source package), L license, m maintainer, I installed size in
// bytes; the many others (files, checksums, dependencies) are skipped.
func ParseAPKInstalled(r io.Reader) ([]Package, error) {
	var out []Package
	var cur *Package
	start := 0
	flush := func() error {
		if cur == nil {
			return nil
		}
		p := cur
		cur = nil
		if p.Name == "" || p.Version == "" {
			return fmt.Errorf("record at line %d: no P: or V:", start)
		}
		if p.SourceName == "" {
			p.SourceName = p.Name
		}
		// An apk and its origin are built together, at one version.
		p.SourceVersion = p.Version
		out = append(out, *p)
		return nil
	}
	err := lines(r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return flush()
		}
		if len(line) < 2 || line[1] != ':' {
			return fmt.Errorf("line %d: %q is not a field", n, short(line))
		}
		if cur == nil {
			cur, start = &Package{Type: "apk"}, n
		}
		v := strings.TrimSpace(line[2:])
		switch line[0] {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'A':
			cur.Arch = v
		case 'o':
			cur.SourceName = v
		case 'L':
			cur.Licenses = nil
			if v != "" {
				cur.Licenses = []string{v}
			}
		case 'm':
			cur.Maintainer = v
		case 'I':
			size, err := strconv.ParseInt(v, 10, 64)
			if err != nil || size < 0 {
				return fmt.Errorf("line %d: installed size %q is not a number", n, short(v))
			}
			cur.InstalledSizeKiB = (size + 1023) / 1024
		}
		if (line[0] == 'P' || line[0] == 'V' || line[0] == 'o') && strings.ContainsAny(v, " \t") {
			return fmt.Errorf("line %d: white space in %c:", n, line[0])
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, fmt.Errorf("apk installed: %w", err)
	}
	return out, nil
}
