// Package sbom turns a guest's package database (dpkg status, rpm query
// output, apk installed database) and its os-release into CycloneDX 1.6 and
// SPDX 2.3 JSON documents that vulnerability scanners can use: exactly one
// operating-system component that contains every package, and purls with
// the arch, distro and upstream (source package) qualifiers. It does no I/O.
package sbom

import (
	"bufio"
	"fmt"
	"io"
)

// Limits on what the parsers accept: a package database is a few MiB.
const (
	maxLine  = 1 << 20
	maxInput = 256 << 20
)

// Package is one installed package.
type Package struct {
	// Type is the purl type: deb, rpm or apk.
	Type string
	Name string
	// Version is the package manager's: dpkg's and apk's include the epoch
	// ("1:2.38.1-5+b1"); rpm's is VERSION-RELEASE, with Epoch apart.
	Version string
	Epoch   string
	Arch    string
	// SourceName and SourceVersion name the source package it was built
	// from (deb Source:, apk origin, rpm source RPM).
	SourceName    string
	SourceVersion string
	// SourceRPM is rpm's source RPM file name.
	SourceRPM  string
	Maintainer string
	// Licenses are the declared license names, not yet mapped to SPDX.
	Licenses         []string
	InstalledSizeKiB int64
}

// lines reads r line by line within the limits, calling fn with 1-based
// line numbers.
func lines(r io.Reader, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(io.LimitReader(r, maxInput+1))
	sc.Buffer(make([]byte, 64<<10), maxLine)
	total, n := 0, 0
	for sc.Scan() {
		n++
		total += len(sc.Bytes()) + 1
		if total > maxInput {
			return fmt.Errorf("input exceeds %d MiB", maxInput>>20)
		}
		if err := fn(n, sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return fmt.Errorf("line %d: longer than %d KiB", n+1, maxLine>>10)
		}
		return fmt.Errorf("line %d: %w", n+1, err)
	}
	return nil
}
