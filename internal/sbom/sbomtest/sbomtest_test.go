package sbomtest_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/sbom"
	"github.com/imagesmith/packer-plugin-hardening/internal/sbom/sbomtest"
)

// recorder is a testing.TB that records a failure instead of failing, so
// the helpers' own failures can be checked. Fatal stops the goroutine, as
// testing's does.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.failed, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

// run calls validate on doc with a recorder and returns it.
func run(validate func(testing.TB, []byte), doc []byte) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		validate(r, doc)
	}()
	<-done
	return r
}

func documents(t *testing.T) (cdx, spdx []byte) {
	t.Helper()
	pkgs, err := sbom.ParseDpkgStatus(strings.NewReader("Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nArchitecture: amd64\nMaintainer: Matthias Klose <doko@debian.org>\n"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs[0].Licenses = []string{"GPL-3+", "public-domain"}
	d := sbom.Document{
		OS: sbom.OS{ID: "debian", VersionID: "12"}, Packages: pkgs, Tool: sbom.Tool{Name: "t", Version: "1"},
		Created: time.Unix(1700000000, 0), SerialUUID: "0b7d2b4e-3c55-4b8e-9a57-7a4b1f0f8a11",
	}
	if cdx, err = sbom.CycloneDX(d); err != nil {
		t.Fatal(err)
	}
	if spdx, err = sbom.SPDX(d); err != nil {
		t.Fatal(err)
	}
	return cdx, spdx
}

func TestValidDocumentsPass(t *testing.T) {
	cdx, spdx := documents(t)
	if r := run(sbomtest.ValidateCycloneDX, cdx); r.failed {
		t.Errorf("a valid CycloneDX document failed: %s", r.msg)
	}
	if r := run(sbomtest.ValidateSPDX, spdx); r.failed {
		t.Errorf("a valid SPDX document failed: %s", r.msg)
	}
}

// TestBrokenDocumentsFail: the helpers fail on documents the official
// schemas reject, with the validator's message, so they cannot pass
// silently.
func TestBrokenDocumentsFail(t *testing.T) {
	cdx, spdx := documents(t)
	for _, tc := range []struct {
		name     string
		validate func(testing.TB, []byte)
		doc      []byte
		old, new string
		want     string // in the message
	}{
		{"CycloneDX component type", sbomtest.ValidateCycloneDX, cdx, `"type": "operating-system"`, `"type": "os"`, "components/0/type"},
		{"CycloneDX license id not in the SPDX enum", sbomtest.ValidateCycloneDX, cdx, `"id": "GPL-3.0-or-later"`, `"id": "GPL-3+"`, "licenses/0"},
		{"CycloneDX serial number", sbomtest.ValidateCycloneDX, cdx, `"urn:uuid:`, `"uuid:`, "serialNumber"},
		{"CycloneDX timestamp format", sbomtest.ValidateCycloneDX, cdx, `"timestamp": "2023-11-14T22:13:20Z"`, `"timestamp": "yesterday"`, "timestamp"},
		{"CycloneDX spec version", sbomtest.ValidateCycloneDX, cdx, `"bomFormat": "CycloneDX"`, `"bomFormat": "SPDX"`, "bomFormat"},
		{"not JSON", sbomtest.ValidateCycloneDX, cdx, `{`, `[`, "not JSON"},
		{"SPDX OS purpose in the prose spelling", sbomtest.ValidateSPDX, spdx, `"OPERATING_SYSTEM"`, `"OPERATING-SYSTEM"`, "primaryPackagePurpose"},
		{"SPDX reference category", sbomtest.ValidateSPDX, spdx, `"PACKAGE-MANAGER"`, `"PACKAGE_MANAGER"`, "referenceCategory"},
		{"SPDX no name", sbomtest.ValidateSPDX, spdx, `"name": "debian-12",`, ``, "name"},
	} {
		broken := bytes.Replace(tc.doc, []byte(tc.old), []byte(tc.new), 1)
		if bytes.Equal(broken, tc.doc) {
			t.Errorf("%s: %q is not in the document", tc.name, tc.old)
			continue
		}
		r := run(tc.validate, broken)
		if !r.failed || !strings.Contains(r.msg, tc.want) {
			t.Errorf("%s: failed %v, message %q, want it to mention %q", tc.name, r.failed, r.msg, tc.want)
		}
	}
}
