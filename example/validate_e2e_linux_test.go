package example_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
)

// nobody is the unprivileged user the CI-like runs use.
const nobody = "65534"

// cloudBuilders are the cloud sources of the examples. Their plugins cannot
// be installed offline, so the test puts Packer's built-in null builder in
// their place; the plugin's own blocks are validated unchanged.
var cloudBuilders = map[string]string{"amazon-ebs": "amazon", "googlecompute": "googlecompute"}

// TestValidateAsUnprivilegedUser (issue 17, item 4): `packer validate` of
// every example passes as an unprivileged user, without a signing key and
// without the bootstrap or disk tools on PATH, as in a pull-request CI job;
// `packer build` as that user still stops, at build time, asking for root.
func TestValidateAsUnprivilegedUser(t *testing.T) {
	packer, plugins := e2e.Packer(t), e2e.PluginDir(t)
	world := worldReadableDir(t)
	bin := filepath.Join(world, "bin")
	copyTree(t, packer, filepath.Join(bin, "packer"))
	copyTree(t, plugins, filepath.Join(world, "plugins"))
	home := filepath.Join(world, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home, "TMPDIR=" + home, "PATH=" + bin, // no mmdebstrap, no disk tools
		"PACKER_PLUGIN_PATH=" + filepath.Join(world, "plugins"), "CHECKPOINT_DISABLE=1",
	}
	run := func(dir string, args ...string) (string, error) {
		cmd := exec.Command("setpriv", append([]string{"--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", "--", filepath.Join(bin, "packer")}, args...)...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(home, "version"); err != nil {
		t.Fatalf("packer as uid %s: %v\n%s", nobody, err, out)
	}

	examples := []struct {
		dir  string
		vars []string
	}{
		{".", nil},
		{"aws/al2023", []string{"kms_key=awskms:///alias/image-signing", "attestation_bucket=acme-attestations"}},
		{"aws/ubuntu-2404", []string{"kms_key=awskms:///alias/image-signing", "attestation_bucket=acme-attestations"}},
		{"gce", []string{"project=acme-images", "kms_key=gcpkms://projects/acme/locations/global/keyRings/images/cryptoKeys/signing", "attestation_bucket=acme-attestations"}},
	}
	for _, ex := range examples {
		t.Run(ex.dir, func(t *testing.T) {
			dir := filepath.Join(world, "examples", ex.dir)
			copyTemplates(t, ex.dir, dir)
			args := []string{"validate"}
			for _, v := range ex.vars {
				args = append(args, "-var", v)
			}
			out, err := run(dir, append(args, ".")...)
			if err != nil || !strings.Contains(out, "The configuration is valid.") {
				t.Fatalf("packer validate %s as uid %s: %v\n%s", ex.dir, nobody, err, out)
			}
		})
	}

	// The checks moved to build time, they did not go away.
	out, err := run(filepath.Join(world, "examples", "."), "build", "-color=false", ".")
	if err == nil || !strings.Contains(out, "must run as root") || !strings.Contains(out, "the build needs mmdebstrap") {
		t.Fatalf("packer build as uid %s: %v, want the root and mmdebstrap errors\n%s", nobody, err, out)
	}
}

// worldReadableDir is a temporary directory every user can read.
func worldReadableDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hardening-validate-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyTree copies the file or directory tree src to dst, readable and
// executable by everyone.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o755)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// copyTemplates copies the *.pkr.hcl files of an example directory, with a
// null source in place of a cloud builder.
func copyTemplates(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(src, "*.pkr.hcl"))
	if len(paths) == 0 {
		t.Fatalf("no templates in %s", src)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := hclwrite.ParseConfig(b, p, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		for _, blk := range f.Body().Blocks() {
			switch blk.Type() {
			case "packer":
				for _, rp := range blk.Body().Blocks() {
					for _, plugin := range cloudBuilders {
						rp.Body().RemoveAttribute(plugin)
					}
				}
			case "source":
				if _, cloud := cloudBuilders[blk.Labels()[0]]; cloud {
					blk.SetLabels([]string{"null", blk.Labels()[1]})
					blk.Body().Clear()
					blk.Body().AppendNewline()
					blk.Body().SetAttributeValue("communicator", cty.StringVal("none"))
				}
			}
		}
		out := f.Bytes()
		for builder := range cloudBuilders {
			out = bytes.ReplaceAll(out, []byte(`"source.`+builder+`.`), []byte(`"source.null.`))
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(p)), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
