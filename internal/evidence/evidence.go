// Package evidence writes and reads the files that pass from the hardening
// and finalize provisioners to the attest post-processor: schema-versioned
// JSON stamped with the build name and PACKER_RUN_UUID, in one directory per
// build, written atomically so a file that exists is complete.
package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Stamp identifies who wrote a file, for which build and which run.
type Stamp struct {
	// Schema is the URI of the file's JSON schema, version included.
	Schema      string    `json:"schema"`
	BuildName   string    `json:"build_name"`
	BuilderType string    `json:"builder_type,omitempty"`
	RunUUID     string    `json:"packer_run_uuid"`
	GeneratedAt time.Time `json:"generated_at"`
	Generator   Generator `json:"generator"`
}

// Generator names the program and version that wrote the file.
type Generator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// BuildDir is the directory of one build's evidence below root.
func BuildDir(root, buildName string) string {
	name := unsafeName.ReplaceAllString(buildName, "_")
	if name == "" || name == "." || name == ".." {
		name = "default"
	}
	return filepath.Join(root, name)
}

// WriteFile writes data to dir/name through a temporary file and a rename,
// and returns its sha256.
func WriteFile(dir, name string, data []byte, mode os.FileMode) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create evidence directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+name+".partial-*")
	if err != nil {
		return "", fmt.Errorf("write evidence %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write evidence %s: %w", name, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write evidence %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write evidence %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return "", fmt.Errorf("write evidence %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// WriteJSON writes v as indented JSON with WriteFile.
func WriteJSON(dir, name string, v any) (string, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode evidence %s: %w", name, err)
	}
	return WriteFile(dir, name, append(b, '\n'), 0o644)
}
