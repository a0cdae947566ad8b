package verifycli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/imagesmith/packer-plugin-hardening/internal/verify"
)

// sbomOutRequires names the statements the SBOM output flags need.
func sbomOutRequires(o options) []string {
	var names []string
	if o.cyclonedxOut != "" {
		names = append(names, verify.CycloneDX)
	}
	if o.spdxOut != "" {
		names = append(names, verify.SPDX)
	}
	return names
}

// writeSBOMs writes the verified SBOM documents the flags ask for. Nothing
// is written unless everything verified: a scanner must never read a
// document whose signature, subject or policy failed. The documents are at
// most verify.MaxBundles bytes, the budget of an image's bundles.
func writeSBOMs(o options, rep *verify.Report, stderr io.Writer) error {
	outs := []struct{ name, flag, file, label string }{
		{verify.CycloneDX, "--cyclonedx-out", o.cyclonedxOut, "CycloneDX"},
		{verify.SPDX, "--spdx-out", o.spdxOut, "SPDX"},
	}
	for _, out := range outs {
		if out.file == "" {
			continue
		}
		if !rep.OK {
			fmt.Fprintf(stderr, "verify: %s not written: verification failed\n", clean(out.file))
			continue
		}
		doc, ok := rep.SBOMDocuments[out.name]
		if !ok {
			// The policy requires the statement; this is a bug, not input.
			return fmt.Errorf("%s: no verified %s statement to write", out.flag, out.label)
		}
		if err := writeAtomic(out.file, append(doc, '\n')); err != nil {
			return fmt.Errorf("%s: %w", out.flag, err)
		}
		fmt.Fprintf(stderr, "verify: wrote the verified %s SBOM of %s to %s\n", out.label, clean(rep.ImageID), clean(out.file))
	}
	return nil
}

// writeAtomic replaces file with b through a temporary file in the same
// directory, so a reader sees the old file or the whole new one.
func writeAtomic(file string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", file, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}
