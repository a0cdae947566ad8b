package sbom

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RPMQueryFormat is the --queryformat the guest gives `rpm -qa`: one
// package a line, its tags tab-separated. rpm prints "(none)" for a tag
// the package lacks (EPOCH mostly). rpm expands the \t and \n itself.
const RPMQueryFormat = `%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\t%{VENDOR}\t%{SIZE}\n`

// The fields of RPMQueryFormat, in order.
const (
	rpmName = iota
	rpmEpoch
	rpmVersion
	rpmRelease
	rpmArch
	rpmSourceRPM
	rpmLicense
	rpmVendor
	rpmSize
	rpmFields
)

// ParseRPMQuery reads `rpm -qa --queryformat RPMQueryFormat` output. The
// gpg-pubkey entries are the keys rpm trusts, kept in its database as
// pseudo packages, not software: they are left out.
func ParseRPMQuery(r io.Reader) ([]Package, error) {
	var out []Package
	err := lines(r, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		f := strings.Split(line, "\t")
		if len(f) != rpmFields {
			return fmt.Errorf("line %d: %d tab-separated fields, want %d", n, len(f), rpmFields)
		}
		for i := range f {
			if f[i] = strings.TrimSpace(f[i]); f[i] == "(none)" {
				f[i] = ""
			}
		}
		if f[rpmName] == "" || f[rpmVersion] == "" || strings.ContainsAny(f[rpmName]+f[rpmVersion]+f[rpmRelease], " ") {
			return fmt.Errorf("line %d: no name or version, or white space in them", n)
		}
		if f[rpmName] == "gpg-pubkey" {
			return nil
		}
		p := Package{
			Type: "rpm", Name: f[rpmName], Epoch: f[rpmEpoch], Version: f[rpmVersion], Arch: f[rpmArch],
			SourceRPM: f[rpmSourceRPM], Maintainer: f[rpmVendor],
		}
		if f[rpmRelease] != "" {
			p.Version += "-" + f[rpmRelease]
		}
		if p.Epoch != "" {
			if _, err := strconv.ParseUint(p.Epoch, 10, 32); err != nil {
				return fmt.Errorf("line %d: epoch %q is not a number", n, short(p.Epoch))
			}
		}
		if f[rpmLicense] != "" {
			p.Licenses = []string{f[rpmLicense]}
		}
		if f[rpmSize] != "" {
			size, err := strconv.ParseInt(f[rpmSize], 10, 64)
			if err != nil || size < 0 {
				return fmt.Errorf("line %d: size %q is not a number", n, short(f[rpmSize]))
			}
			p.InstalledSizeKiB = (size + 1023) / 1024
		}
		p.SourceName, p.SourceVersion = splitSourceRPM(p.SourceRPM)
		if p.SourceName == "" {
			p.SourceName, p.SourceVersion = p.Name, p.Version
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rpm query: %w", err)
	}
	return out, nil
}

// splitSourceRPM splits "python-urllib3-1.26.5-3.el9.src.rpm" into
// "python-urllib3" and "1.26.5-3.el9": names may have dashes, version and
// release may not, so the last two dashes separate them. It returns ""
// for anything else.
func splitSourceRPM(s string) (name, version string) {
	base, ok := strings.CutSuffix(s, ".src.rpm")
	if !ok {
		if base, ok = strings.CutSuffix(s, ".nosrc.rpm"); !ok {
			return "", ""
		}
	}
	r := strings.LastIndexByte(base, '-')
	if r <= 0 || r == len(base)-1 {
		return "", ""
	}
	v := strings.LastIndexByte(base[:r], '-')
	if v <= 0 || v == r-1 {
		return "", ""
	}
	return base[:v], base[v+1:]
}
