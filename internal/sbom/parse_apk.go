package sbom

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseAPKInstalled reads /lib/apk/db/installed: blank-line separated
// records of one-letter fields. P name, V version, A arch, o origin (the
// source package), L license, m maintainer, I installed size in bytes.
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
			return fmt.Errorf("apk installed, record at line %d: no P: or V:", start)
		}
		if p.SourceName == "" {
			p.SourceName = p.Name
		}
		p.SourceVersion = p.Version
		out = append(out, *p)
		return nil
	}
	err := lines(r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return flush()
		}
		if len(line) < 2 || line[1] != ':' {
			return fmt.Errorf("apk installed line %d: %q is not a field", n, short(line))
		}
		if cur == nil {
			cur, start = &Package{Type: "apk"}, n
		}
		v := line[2:]
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
			if v != "" {
				cur.Licenses = []string{v}
			}
		case 'm':
			cur.Maintainer = v
		case 'I':
			if size, err := strconv.ParseInt(v, 10, 64); err == nil {
				cur.InstalledSizeKiB = (size + 1023) / 1024
			}
		}
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
