// Package example_test checks the example templates and Terraform offline:
// they parse, Packer's formatter accepts them, every attribute of the
// plugin's blocks is a real configuration key, and the Terraform module only
// uses flags the verify command has.
package example_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/imagesmith/packer-plugin-hardening/internal/verifycli"
	"github.com/imagesmith/packer-plugin-hardening/post-processor/attest"
	"github.com/imagesmith/packer-plugin-hardening/provisioner/finalize"
	"github.com/imagesmith/packer-plugin-hardening/provisioner/hardening"
)

func files(t *testing.T, patterns ...string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (p == "output" || p == "evidence" || p == "attestations" || p == "keys") {
			return filepath.SkipDir
		}
		for _, pat := range patterns {
			if ok, _ := filepath.Match(pat, d.Name()); ok && !d.IsDir() {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func parse(t *testing.T, p string) *hclsyntax.Body {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCLFile(p)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", p, diags.Error())
	}
	return f.Body.(*hclsyntax.Body)
}

func TestEverythingParses(t *testing.T) {
	all := files(t, "*.pkr.hcl", "*.tf")
	if len(all) < 8 {
		t.Fatalf("found only %v", all)
	}
	for _, p := range all {
		parse(t, p)
	}
}

// specs are the HCL schemas of the plugin's blocks, from the Config structs.
func specs() map[string]hcldec.ObjectSpec {
	return map[string]hcldec.ObjectSpec{
		"hardening":          new(hardening.Provisioner).ConfigSpec(),
		"hardening-finalize": new(finalize.Provisioner).ConfigSpec(),
		"hardening-attest":   new(attest.PostProcessor).ConfigSpec(),
	}
}

func TestPluginBlocksUseRealOptions(t *testing.T) {
	specs := specs()
	checked := 0
	var walk func(p string, body *hclsyntax.Body)
	walk = func(p string, body *hclsyntax.Body) {
		for _, b := range body.Blocks {
			if (b.Type == "provisioner" || b.Type == "post-processor") && len(b.Labels) == 1 {
				if spec, ok := specs[b.Labels[0]]; ok {
					checked++
					for name := range b.Body.Attributes {
						if _, ok := spec[name]; !ok {
							t.Errorf("%s: %s %q has no option %q", p, b.Type, b.Labels[0], name)
						}
					}
					for _, inner := range b.Body.Blocks {
						if _, ok := spec[inner.Type]; !ok {
							t.Errorf("%s: %s %q has no block %q", p, b.Type, b.Labels[0], inner.Type)
						}
					}
				}
			}
			walk(p, b.Body)
		}
	}
	for _, p := range files(t, "*.pkr.hcl") {
		walk(p, parse(t, p))
	}
	if checked < 8 {
		t.Errorf("checked only %d plugin blocks", checked)
	}
}

var flagInHelp = regexp.MustCompile(`(?m)^\s+-([a-z-]+)`)

func TestTerraformUsesRealVerifyFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	verifycli.Main(context.Background(), []string{"-h"}, &out, &errOut, verifycli.Clouds{})
	known := map[string]bool{}
	for _, m := range flagInHelp.FindAllStringSubmatch(errOut.String(), -1) {
		known[m[1]] = true
	}
	if !known["terraform"] || !known["manifest"] {
		t.Fatalf("could not read the verify flags from its help:\n%s", errOut.String())
	}
	src, err := os.ReadFile("terraform/modules/verified-image/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`"--([a-z-]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(used) < 5 {
		t.Fatalf("the module passes only %v", used)
	}
	for _, m := range used {
		if !known[m[1]] {
			t.Errorf("the Terraform module passes --%s, which verify does not have", m[1])
		}
	}
}

func packerPath(t *testing.T) string {
	if p, err := exec.LookPath("packer"); err == nil {
		return p
	}
	if cache, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(cache, "packer-plugin-hardening", "bin", "packer")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("HARDENING_E2E") != "" {
		t.Fatal("packer not found: run scripts/tools.sh")
	}
	t.Skip("packer not installed")
	return ""
}

func TestPackerFmt(t *testing.T) {
	packer := packerPath(t)
	dirs := map[string]bool{}
	for _, p := range files(t, "*.pkr.hcl") {
		dirs[filepath.Dir(p)] = true
	}
	for d := range dirs {
		out, err := exec.Command(packer, "fmt", "-check", "-diff", d).CombinedOutput()
		if err != nil {
			t.Errorf("packer fmt -check %s: %v\n%s", d, err, out)
		}
	}
}

func TestTerraformFmt(t *testing.T) {
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform not installed")
	}
	out, err := exec.Command(terraform, "fmt", "-check", "-recursive", "-diff", "terraform").CombinedOutput()
	if err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
}

// TestModuleRequire (issue 14, item 2): the module always passes
// --require from its own variable, which cannot be empty, unknown, or
// replaced through policy_args; terraform checks the validations when it
// is installed.
func TestModuleRequire(t *testing.T) {
	const module = "terraform/modules/verified-image/main.tf"
	src, err := os.ReadFile(module)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, module, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var vars []string
	var program string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		switch {
		case b.Type == "variable" && (b.Labels[0] == "require" || b.Labels[0] == "policy_args"):
			vars = append(vars, string(b.Range().SliceBytes(src)))
		case b.Type == "data" && b.Labels[1] == "verify":
			program = string(b.Body.Attributes["program"].Expr.Range().SliceBytes(src))
		}
	}
	if len(vars) != 2 || !strings.Contains(program, `"--require", join(",", var.require)], var.policy_args)`) {
		t.Fatalf("the module does not pass --require from var.require before policy_args:\nvariables %d\nprogram %s", len(vars), program)
	}

	terraform, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform not installed")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(strings.Join(vars, "\n\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tf := func(args ...string) error {
		cmd := exec.Command(terraform, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	if err := tf("init", "-backend=false", "-input=false"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		vars []string
		ok   bool
	}{
		{nil, true},
		{[]string{`-var=require=["provenance","sbom"]`}, true},
		{[]string{`-var=policy_args=["--max-age","720h"]`}, true},
		{[]string{`-var=require=[]`}, false},
		{[]string{`-var=require=["provenance","slsa"]`}, false},
		{[]string{`-var=require=[""]`}, false},
		{[]string{`-var=policy_args=["--require",""]`}, false},
		{[]string{`-var=policy_args=["-require=provenance"]`}, false},
	} {
		err := tf(append([]string{"plan", "-input=false", "-lock=false"}, tt.vars...)...)
		if (err == nil) != tt.ok {
			t.Errorf("terraform plan %v: %v, want ok=%v", tt.vars, err, tt.ok)
		}
	}
}
