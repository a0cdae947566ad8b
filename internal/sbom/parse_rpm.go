package sbom

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RPMQueryFormat is the --queryformat the guest gives `rpm -qa`: one
// package per line, tab-separated; rpm prints (none) for a missing tag.
const RPMQueryFormat = `%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\t%{VENDOR}\t%{SIZE}\n`

const rpmFields = 9

// ParseRPMQuery reads `rpm -qa --queryformat RPMQueryFormat` output. The
// gpg-pubkey entries are keys in the database, not packages.
func ParseRPMQuery(r io.Reader) ([]Package, error) {
	var out []Package
	err := lines(r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		f := strings.Split(line, "\t")
		if len(f) != rpmFields {
			return fmt.Errorf("rpm query line %d: %d fields, want %d", n, len(f), rpmFields)
		}
		for i := range f {
			if f[i] == "(none)" {
				f[i] = ""
			}
		}
		if f[0] == "" || f[2] == "" {
			return fmt.Errorf("rpm query line %d: no name or version", n)
		}
		if f[0] == "gpg-pubkey" {
			return nil
		}
		p := Package{Type: "rpm", Name: f[0], Epoch: f[1], Version: f[2], Arch: f[4], SourceRPM: f[5], Maintainer: f[7]}
		if f[3] != "" {
			p.Version += "-" + f[3]
		}
		if p.Epoch != "" {
			if _, err := strconv.ParseUint(p.Epoch, 10, 32); err != nil {
				return fmt.Errorf("rpm query line %d: epoch %q is not a number", n, p.Epoch)
			}
		}
		if f[6] != "" {
			p.Licenses = []string{f[6]}
		}
		if size, err := strconv.ParseInt(f[8], 10, 64); err == nil {
			p.InstalledSizeKiB = (size + 1023) / 1024
		}
		p.SourceName, p.SourceVersion = splitSourceRPM(p.SourceRPM)
		if p.SourceName == "" {
			p.SourceName, p.SourceVersion = p.Name, p.Version
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// splitSourceRPM splits "python-urllib3-1.26.5-3.el9.src.rpm" into
// "python-urllib3" and "1.26.5-3.el9": the last two dashes separate
// version and release.
func splitSourceRPM(s string) (name, version string) {
	base := strings.TrimSuffix(strings.TrimSuffix(s, ".src.rpm"), ".nosrc.rpm")
	if base == s {
		return "", ""
	}
	r := strings.LastIndexByte(base, '-')
	if r <= 0 {
		return "", ""
	}
	v := strings.LastIndexByte(base[:r], '-')
	if v <= 0 {
		return "", ""
	}
	return base[:v], base[v+1:]
}
