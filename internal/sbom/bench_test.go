package sbom_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
)

// debianStatus is a generated status file of n installed packages, about
// the size of a Debian cloud image's, with the fields a real one has.
func debianStatus(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Package: pkg%d\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: %d\n"+
			"Maintainer: Team %d <team%d@lists.debian.org>\nArchitecture: amd64\nMulti-Arch: same\nSource: src%d (1:2.%d-1)\n"+
			"Version: 1:2.%d-1+b1\nDepends: libc6 (>= 2.34), libgcc-s1\nDescription: package %d\n a longer description\n .\n of the package\n\n",
			i, 100+i, i%40, i%40, i/3, i, i, i)
	}
	return b.Bytes()
}

// BenchmarkDebian parses a 500-package status and writes both documents,
// the host's whole SBOM work for one image.
func BenchmarkDebian(b *testing.B) {
	status := debianStatus(500)
	o := sbom.OS{ID: "debian", VersionID: "12", Name: "Debian GNU/Linux", PrettyName: "Debian GNU/Linux 12 (bookworm)"}
	b.SetBytes(int64(len(status)))
	b.ReportAllocs()
	for b.Loop() {
		pkgs, err := sbom.ParseDpkgStatus(bytes.NewReader(status))
		if err != nil || len(pkgs) != 500 {
			b.Fatal(len(pkgs), err)
		}
		for i := range pkgs {
			pkgs[i].Licenses = []string{"GPL-2+", "public-domain"}
		}
		d := sbom.Document{OS: o, Packages: pkgs, Tool: sbom.Tool{Name: "bench", Version: "1"},
			Created: time.Unix(1700000000, 0), SerialUUID: "0b7d2b4e-3c55-4b8e-9a57-7a4b1f0f8a11"}
		if _, err := sbom.CycloneDX(d); err != nil {
			b.Fatal(err)
		}
		if _, err := sbom.SPDX(d); err != nil {
			b.Fatal(err)
		}
	}
}
