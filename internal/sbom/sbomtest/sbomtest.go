// Package sbomtest validates SBOM documents against the official JSON
// schemas, for tests: CycloneDX 1.6 from the cyclonedx-go module's schema/
// folder, SPDX 2.3 from internal/sbom/testdata.
package sbomtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	_ "github.com/CycloneDX/cyclonedx-go" // keeps the module, and its schema/ folder, in go.mod
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	once      sync.Once
	cdx, spdx *jsonschema.Schema
	loadErr   error
)

func load() {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	if err != nil {
		loadErr = err
		return
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "schema")
	_, self, _, _ := runtime.Caller(0)
	c := jsonschema.NewCompiler()
	for url, file := range map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  filepath.Join(dir, "bom-1.6.schema.json"),
		"http://cyclonedx.org/schema/spdx.schema.json":     filepath.Join(dir, "spdx.schema.json"),
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": filepath.Join(dir, "jsf-0.82.schemax.json"),
		"http://spdx.org/rdf/terms/2.3":                    filepath.Join(filepath.Dir(self), "..", "testdata", "spdx-2.3.schema.json"),
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			loadErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			loadErr = err
			return
		}
		if err := c.AddResource(url, doc); err != nil {
			loadErr = err
			return
		}
	}
	if cdx, loadErr = c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json"); loadErr != nil {
		return
	}
	spdx, loadErr = c.Compile("http://spdx.org/rdf/terms/2.3")
}

func validate(t testing.TB, s func() *jsonschema.Schema, doc []byte) {
	t.Helper()
	once.Do(load)
	if loadErr != nil {
		t.Fatalf("load the official schemas: %v", loadErr)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := s().Validate(v); err != nil {
		t.Fatalf("does not validate against the schema: %v", err)
	}
}

// Validate reports whether doc validates, for tests of the validator.
func Validate(format string, doc []byte) error {
	once.Do(load)
	if loadErr != nil {
		return loadErr
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	if format == "cyclonedx" {
		return cdx.Validate(v)
	}
	return spdx.Validate(v)
}

// ValidateCycloneDX fails t unless doc is valid CycloneDX 1.6 JSON.
func ValidateCycloneDX(t testing.TB, doc []byte) {
	t.Helper()
	validate(t, func() *jsonschema.Schema { return cdx }, doc)
}

// ValidateSPDX fails t unless doc is valid SPDX 2.3 JSON.
func ValidateSPDX(t testing.TB, doc []byte) {
	t.Helper()
	validate(t, func() *jsonschema.Schema { return spdx }, doc)
}

// SPDXLicenseIDs are the license ids CycloneDX's spdx.schema.json lists.
func SPDXLicenseIDs(t testing.TB) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "schema", "spdx.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Enum []string `json:"enum"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, id := range s.Enum {
		ids[id] = true
	}
	return ids
}
