package attest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io/fs"
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
	dir := filepath.Join(f.out, "debian", "rootfs", "local", "rootfs.tar")
	st, err := attest.Verify(mustRead(t, filepath.Join(dir, "provenance.sigstore.json")), f.pub, "")
	if err != nil {
		t.Fatal(err)
	}
	var prov attest.Provenance
	if err := json.Unmarshal(st.Predicate, &prov); err != nil {
		t.Fatal(err)
	}
	ext := prov.BuildDefinition.ExternalParameters
	if len(ext.Variables) != 1 || ext.Variables["region"] != "eu-west-1" || strings.Join(ext.Sensitive, ",") != "auth,db,db_password,dsn" {
		t.Errorf("variables %v, omitted %v", ext.Variables, ext.Sensitive)
	}
	err = filepath.WalkDir(f.out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b := mustRead(t, path)
		for _, secret := range []string{fromEnv, fromJSON} {
			for _, form := range secretForms(secret) {
				if bytes.Contains(b, form) {
					t.Errorf("%s holds a sensitive value", path)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
