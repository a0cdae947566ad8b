package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ValidateSchema fails t unless doc validates against the JSON schema at
// schema, a path relative to the module root (docs/schemas/...).
func ValidateSchema(t testing.TB, schema string, doc []byte) {
	t.Helper()
	if err := SchemaError(filepath.Join(ModuleRoot(t), schema), doc); err != nil {
		t.Fatal(err)
	}
}

// SchemaError says why doc does not validate against the schema file.
func SchemaError(file string, doc []byte) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(file, s); err != nil {
		return err
	}
	compiled, err := c.Compile(file)
	if err != nil {
		return fmt.Errorf("compile %s: %w", file, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := compiled.Validate(v); err != nil {
		return fmt.Errorf("does not validate against %s: %w", filepath.Base(file), err)
	}
	return nil
}
