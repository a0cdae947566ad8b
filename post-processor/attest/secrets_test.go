package attest

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
)

// secretForms are the ways a secret could appear in a file we write: as is,
// and inside base64 at each of the three alignments (DSSE payloads).
func secretForms(secret string) [][]byte {
	forms := [][]byte{[]byte(secret)}
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, pad), secret...))
		// Drop the characters that depend on the padding bytes and the tail.
		start := (pad*8 + 5) / 6
		end := len(enc) - 4
		if end > start+8 {
			forms = append(forms, []byte(enc[start:end]))
		}
	}
	return forms
}

// TestSecretUnderAnotherName (issue 14, item 3): a sensitive value listed
// in variables under another name, alone or inside a longer string, is
// neither signed nor written anywhere.
func TestSecretUnderAnotherName(t *testing.T) {
	const fromEnv, fromJSON = "s3cr3t-Pa55w0rd", "tok-9f8e7d6c5b4a"
	t.Setenv("PKR_VAR_db_password", fromEnv)
	f := newFixture(t, "debian")
	p := f.postProcessor(t, "debian", map[string]interface{}{
		"packer_sensitive_variables": []string{"db_password", "api_token"},
		"packer_user_variables":      map[string]string{"api_token": fromJSON, "region": "eu-west-1"},
		"variables": map[string]string{
			"region":      "eu-west-1",
			"db":          fromEnv,
			"dsn":         "postgres://app:" + fromEnv + "@db.internal/app",
			"auth":        "Bearer " + fromJSON,
			"db_password": fromEnv,
		},
	})
	if _, err := run(t, p, f.tarball); err != nil {
		t.Fatal(err)
	}
	prov := provenanceIn(t, filepath.Join(f.out, "debian", "rootfs", "local", "rootfs.tar"), f.pub, "")
	ext := prov.BuildDefinition.ExternalParameters
	if len(ext.Variables) != 1 || ext.Variables["region"] != "eu-west-1" || strings.Join(ext.Sensitive, ",") != "auth,db,db_password,dsn" {
		t.Errorf("variables %v, omitted %v", ext.Variables, ext.Sensitive)
	}
	grepTree(t, f.out, fromEnv)
	grepTree(t, f.out, fromJSON)
}

// provenanceIn verifies the provenance bundle in dir with pub and returns
// its predicate.
func provenanceIn(t *testing.T, dir string, pub crypto.PublicKey, subjectSHA256 string) *attest.Provenance {
	t.Helper()
	st, err := attest.Verify(mustRead(t, filepath.Join(dir, "provenance.sigstore.json")), pub, subjectSHA256)
	if err != nil {
		t.Fatal(err)
	}
	var prov attest.Provenance
	if err := json.Unmarshal(st.Predicate, &prov); err != nil {
		t.Fatal(err)
	}
	return &prov
}

// grepTree fails if any file below root contains secret, as is or in
// base64 (bundles carry their statements in base64).
func grepTree(t *testing.T, root, secret string) {
	t.Helper()
	forms := secretForms(secret)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, f := range forms {
			if bytes.Contains(b, f) {
				t.Errorf("%s contains the secret", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
