package sbom

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Package is one installed package.
type Package struct {
	// Type is the purl type: deb, rpm or apk.
	Type string
	Name string
	// Version is the package manager's: dpkg's includes the epoch
	// ("1:2.38.1-5+b1"); rpm's is VERSION-RELEASE, with Epoch apart; apk's
	// is its own.
	Version string
	// Epoch is rpm's, "" when none.
	Epoch string
	Arch  string
	// SourceName and SourceVersion name the source package it was built
	// from (deb Source:, apk origin, rpm SOURCERPM).
	SourceName    string
	SourceVersion string
	// SourceRPM is rpm's SOURCERPM file name.
	SourceRPM  string
	Maintainer string
	// Licenses are as declared, not yet mapped to SPDX: the apk L: and rpm
	// LICENSE expressions, or the names of a Debian copyright file.
	Licenses         []string
	InstalledSizeKiB int64
}

// Limits on what the parsers accept: a package database is a few MiB, so
// more is a broken or hostile capture.
const (
	maxLine  = 1 << 20
	maxInput = 256 << 20
)

// countingReader counts what the scanner has read, so the total is known
// exactly however the last line ends.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// lines calls fn with each line of r and its 1-based number, within the
// limits. Errors name the line.
func lines(r io.Reader, fn func(n int, line string) error) error {
	cr := &countingReader{r: io.LimitReader(r, maxInput+1)}
	sc := bufio.NewScanner(cr)
	// +1 for the newline: a line of exactly maxLine bytes is accepted.
	sc.Buffer(make([]byte, 0, 64<<10), maxLine+1)
	n := 0
	for sc.Scan() {
		n++
		if cr.n > maxInput {
			return fmt.Errorf("input is larger than %d MiB", maxInput>>20)
		}
		if err := fn(n, sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d MiB", n+1, maxLine>>20)
		}
		return fmt.Errorf("line %d: %w", n+1, err)
	}
	if cr.n > maxInput {
		return fmt.Errorf("input is larger than %d MiB", maxInput>>20)
	}
	return nil
}

// short trims s for an error message.
func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
