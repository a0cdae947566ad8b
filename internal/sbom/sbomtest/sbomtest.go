// Package sbomtest validates SBOM documents against the official JSON
// schemas, for tests anywhere in the module: CycloneDX 1.6 from the
// schema/ folder of the github.com/CycloneDX/cyclonedx-go module, SPDX 2.3
// from internal/sbom/testdata.
package sbomtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	// Not used as code: the blank import keeps the module in go.mod and,
	// being in a non-test file, makes `go test` of any package using this
	// one download it, so its schema/ folder is on disk.
	_ "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const (
	cdxURL  = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	spdxURL = "http://spdx.org/rdf/terms/2.3"
)

var (
	once      sync.Once
	cdx, spdx *jsonschema.Schema
	loadErr   error
)

// cdxSchemaDir is the cyclonedx-go module's schema folder.
func cdxSchemaDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m github.com/CycloneDX/cyclonedx-go: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("github.com/CycloneDX/cyclonedx-go is not downloaded: run go mod download")
	}
	return filepath.Join(dir, "schema"), nil
}

func load() error {
	dir, err := cdxSchemaDir()
	if err != nil {
		return err
	}
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return fmt.Errorf("cannot find sbomtest's source directory")
	}
	c := jsonschema.NewCompiler()
	// Formats (date-time, iri-reference, idn-email, ...) are checked too:
	// scanners' parsers are stricter than the schemas' defaults.
	c.AssertFormat()
	for url, file := range map[string]string{
		cdxURL: filepath.Join(dir, "bom-1.6.schema.json"),
		// The names bom-1.6 uses for the files beside it.
		"http://cyclonedx.org/schema/spdx.schema.json":     filepath.Join(dir, "spdx.schema.json"),
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": filepath.Join(dir, "jsf-0.82.schemax.json"),
		spdxURL: filepath.Join(filepath.Dir(self), "..", "testdata", "spdx-2.3.schema.json"),
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	if cdx, err = c.Compile(cdxURL); err != nil {
		return err
	}
	spdx, err = c.Compile(spdxURL)
	return err
}

func validate(t testing.TB, format string, s **jsonschema.Schema, doc []byte) {
	t.Helper()
	once.Do(func() { loadErr = load() })
	if loadErr != nil {
		t.Fatalf("loading the official schemas: %v", loadErr)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("the %s document is not JSON: %v", format, err)
	}
	if err := (*s).Validate(v); err != nil {
		t.Fatalf("the %s document does not validate against the official schema:\n%v", format, err)
	}
}

// ValidateCycloneDX fails t unless doc validates against the CycloneDX 1.6
// JSON schema.
func ValidateCycloneDX(t testing.TB, doc []byte) {
	t.Helper()
	validate(t, "CycloneDX 1.6", &cdx, doc)
}

// ValidateSPDX fails t unless doc validates against the SPDX 2.3 JSON
// schema.
func ValidateSPDX(t testing.TB, doc []byte) {
	t.Helper()
	validate(t, "SPDX 2.3", &spdx, doc)
}

// SPDXLicenseIDs returns the license ids that CycloneDX's spdx.schema.json
// lists, the only ones a license.id may hold.
func SPDXLicenseIDs(t testing.TB) map[string]bool {
	t.Helper()
	dir, err := cdxSchemaDir()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "spdx.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Enum []string `json:"enum"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Enum) < 100 {
		t.Fatalf("spdx.schema.json lists %d license ids: not the file expected", len(s.Enum))
	}
	ids := make(map[string]bool, len(s.Enum))
	for _, id := range s.Enum {
		ids[id] = true
	}
	return ids
}
