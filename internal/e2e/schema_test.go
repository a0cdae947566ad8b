package e2e

import (
	"path/filepath"
	"testing"
)

func TestSchemasRejectWhatTheyShould(t *testing.T) {
	root := ModuleRoot(t)
	for schema, doc := range map[string]string{
		"docs/schemas/finalize-results-v1.json": `{"schema": "https://github.com/imagesmith/packer-plugin-hardening/blob/main/docs/schemas/finalize-results-v1.json"}`,
		"docs/schemas/cis-results-v1.json":      `{"schema": "x", "build_name": 1}`,
	} {
		if err := SchemaError(filepath.Join(root, schema), []byte(doc)); err == nil {
			t.Errorf("%s accepted %s", schema, doc)
		}
	}
}
