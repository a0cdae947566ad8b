package attest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepareErrors(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(key, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		raw  map[string]interface{}
		want []string
	}{
		{"no key", map[string]interface{}{}, []string{"key_file or kms_key is required"}},
		{"both keys", map[string]interface{}{"key_file": key, "kms_key": "awskms:///alias/a"}, []string{"use exactly one"}},
		{"bad kms uri", map[string]interface{}{"kms_key": "azurekms://vault/key"}, []string{`kms_key "azurekms://vault/key" is not a KMS key URI; accepted: awskms:///KEY-ID`}},
		{"gcp kms uri without key", map[string]interface{}{"kms_key": "gcpkms://projects/p/locations/l"}, []string{"is not a KMS key URI"}},
		{"bad evidence kind", map[string]interface{}{"key_file": key, "allow_missing_evidence_unsafe": []string{"sbom"}}, []string{`allow_missing_evidence_unsafe[0]: "sbom" is not an evidence kind; use "cis" or "finalize"`}},
		{"bad buckets", map[string]interface{}{"key_file": key, "s3_bucket": "My_Bucket", "gcs_bucket": "ok-bucket", "gcs_prefix": "Team/Images"}, []string{
			`s3_bucket "My_Bucket" is not a valid S3 bucket name`, `gcs_prefix "Team/Images"`}},
		{"parallelism", map[string]interface{}{"key_file": key, "parallelism": 500}, []string{"parallelism 500: use 1 to 64"}},
		{"output_dir and output_directory differ", map[string]interface{}{"key_file": key, "output_dir": "a", "output_directory": "b"}, []string{
			`output_dir "a" and output_directory "b" are both set; output_dir is the deprecated name of output_directory`}},
		{"builder id", map[string]interface{}{"key_file": key, "builder_id": "jenkins"}, []string{`builder_id "jenkins" must be a URI`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			err := c.Prepare(tt.raw)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestPrepareReadsNoKey (issue 17, item 4): `packer validate` passes in a
// CI job that has no signing key; the build reads it (TestFailsClosed).
func TestPrepareReadsNoKey(t *testing.T) {
	var c Config
	if err := c.Prepare(map[string]interface{}{"key_file": "/nonexistent/keys/cosign.key"}); err != nil {
		t.Fatalf("Prepare with a key file that does not exist yet: %v", err)
	}
}

func TestPrepareOutputDirAlias(t *testing.T) {
	for _, raw := range []map[string]interface{}{
		{"output_dir": "out"},
		{"output_dir": "out", "output_directory": "out"},
	} {
		raw["key_file"] = "k.pem"
		var c Config
		if err := c.Prepare(raw); err != nil {
			t.Fatal(err)
		}
		if c.OutputDirectory != "out" || len(c.warnings) != 1 || !strings.Contains(c.warnings[0], "output_dir is deprecated") {
			t.Errorf("%v: output_directory %q, warnings %q", raw, c.OutputDirectory, c.warnings)
		}
	}
	var c Config
	if err := c.Prepare(map[string]interface{}{"key_file": "k.pem", "output_directory": "out"}); err != nil || c.OutputDirectory != "out" || len(c.warnings) != 0 {
		t.Errorf("output_directory: %q, warnings %q, %v", c.OutputDirectory, c.warnings, err)
	}
}

func TestPrepareDefaults(t *testing.T) {
	var c Config
	if err := c.Prepare(map[string]interface{}{"kms_key": "gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/2"}); err != nil {
		t.Fatal(err)
	}
	if c.OutputDirectory != "attestations" || len(c.warnings) != 0 || c.EvidenceDir != "evidence" || c.KeyPasswordEnv != "COSIGN_PASSWORD" || c.Parallelism != 16 || !c.tag || c.TemplatePath != "." {
		t.Errorf("defaults: %+v", c)
	}
}
