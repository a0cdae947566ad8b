//go:generate packer-sdc mapstructure-to-hcl2 -type Config,AllowSecret
//go:generate packer-sdc struct-markdown

package finalize

import (
	"fmt"
	"path"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/common"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
	"golang.org/x/crypto/ssh"

	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
	"github.com/imagesmith/packer-plugin-hardening/internal/seal"
)

// AllowSecret accepts one leftover-secret finding: it is still reported,
// with the reason, but does not fail the build.
type AllowSecret struct {
	// The guest path of the finding, or a pattern as in Go's path.Match
	// (`/etc/ssl/private/*.key`).
	Path string `mapstructure:"path" required:"true"`
	// Why the file may stay in the image. Required: it is recorded in the
	// evidence auditors read.
	Reason string `mapstructure:"reason" required:"true"`
}

// Config is the configuration of the hardening-finalize provisioner.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`
	guest.ExecConfig    `mapstructure:",squash"`

	// Cleanup steps not to run. All run by default: `build_key` (Packer's
	// SSH key in every authorized_keys file of root and the users),
	// `host_keys` (SSH host keys, regenerated at first boot by cloud-init,
	// sshd-keygen or a first-boot unit the step adds), `machine_id`
	// (/etc/machine-id emptied, the D-Bus copy and the systemd random seed
	// removed), `shell_history`, `package_cache` (apt, dnf, yum and apk
	// caches and apt lists), `logs` (truncated; rotated logs and journal
	// files removed), `cloud_init` (`cloud-init clean --logs`, so the next
	// boot is a first boot), `backup_files` (`/etc/shadow-` and the other
	// account database backups, which keep old password hashes, dpkg and
	// debconf `-old` files, ldconfig's cache) and `temp_files` (the contents
	// of /tmp and /var/tmp, except services' private directories).
	SkipCleanup []string `mapstructure:"skip_cleanup" required:"false"`
	// Public keys (authorized_keys lines) to remove besides the one Packer
	// connected with, for example a CI key baked in by an earlier step.
	RemoveAuthorizedKeys []string `mapstructure:"remove_authorized_keys" required:"false"`
	// Fail the build when the leftover-secret scan finds something not
	// allowed by an `allow_secret` block. Defaults to true. Findings are
	// always reported and recorded, by path and rule, never by content.
	FailOnSecrets *bool `mapstructure:"fail_on_secrets" required:"false"`
	// Findings to accept, one block each with `path` and `reason`.
	AllowSecret []AllowSecret `mapstructure:"allow_secret" required:"false"`
	// Guest directories to scan for secrets besides the home directories,
	// /etc, /opt, /srv, /usr/local, /tmp, /var/tmp, /var/lib/cloud and
	// /var/backups.
	SecretScanPaths []string `mapstructure:"secret_scan_paths" required:"false"`
	// Guest paths (find -path patterns) to leave out of the filesystem
	// manifest, with everything below them, for example a data volume.
	// Pseudo, volatile and network filesystems (/proc, /sys, /dev, /run,
	// tmpfs, NFS...) are always left out; the evidence lists what was.
	ManifestExclude []string `mapstructure:"manifest_exclude" required:"false"`
	// Parallel hashing processes in the guest. Defaults to 0: one per CPU.
	HashJobs int `mapstructure:"hash_jobs" required:"false"`
	// Where the evidence is written on the machine running Packer:
	// `<evidence_dir>/<build name>/` receives the SBOMs, the manifest, the
	// script and finalize-results.json. Defaults to `evidence`, the same
	// directory as the hardening provisioner's; the hardening-attest
	// post-processor reads it.
	EvidenceDir string `mapstructure:"evidence_dir" required:"false"`

	ctx        interpolate.Context
	steps      []string
	extraKeys  []string
	failOnSecr bool
}

// Prepare decodes raws, applies defaults and reports every error at once.
func (c *Config) Prepare(raws ...interface{}) error {
	err := config.Decode(c, &config.DecodeOpts{
		PluginType:         "hardening-finalize",
		Interpolate:        true,
		InterpolateContext: &c.ctx,
		InterpolateFilter: &interpolate.RenderFilter{
			Exclude: []string{"execute_command"},
		},
	}, raws...)
	if err != nil {
		return err
	}
	if c.EvidenceDir == "" {
		c.EvidenceDir = "evidence"
	}
	c.failOnSecr = c.FailOnSecrets == nil || *c.FailOnSecrets

	var errs *packersdk.MultiError
	add := func(format string, a ...any) { errs = packersdk.MultiErrorAppend(errs, fmt.Errorf(format, a...)) }

	skip := map[string]bool{}
	for i, s := range c.SkipCleanup {
		if !contains(seal.Steps, s) {
			add("skip_cleanup[%d]: %q is not a cleanup step; use %s", i, s, strings.Join(seal.Steps, ", "))
		}
		skip[s] = true
	}
	c.steps = nil
	for _, s := range seal.Steps {
		if !skip[s] {
			c.steps = append(c.steps, s)
		}
	}
	c.extraKeys = nil
	for i, k := range c.RemoveAuthorizedKeys {
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k))
		if err != nil {
			add("remove_authorized_keys[%d]: %q is not a public key line (type, base64 key, comment): %v", i, short(k), err)
			continue
		}
		c.extraKeys = append(c.extraKeys, keyBlob(pub))
	}
	for i, a := range c.AllowSecret {
		if !strings.HasPrefix(a.Path, "/") {
			add("allow_secret[%d].path: %q must be an absolute guest path or pattern", i, a.Path)
		} else if _, err := path.Match(a.Path, "/"); err != nil {
			add("allow_secret[%d].path: %q is not a valid pattern: %v", i, a.Path, err)
		}
		if strings.TrimSpace(a.Reason) == "" {
			add("allow_secret[%d].reason: a reason is required for %q; it is recorded in the evidence", i, a.Path)
		}
	}
	for i, p := range c.SecretScanPaths {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\n\x00") {
			add("secret_scan_paths[%d]: %q must be an absolute guest directory", i, p)
		}
	}
	for i, p := range c.ManifestExclude {
		if !strings.HasPrefix(p, "/") || p == "/" || strings.ContainsAny(p, "\n\x00") {
			add("manifest_exclude[%d]: %q must be an absolute guest path (or find -path pattern) other than /", i, p)
		}
	}
	if c.HashJobs < 0 || c.HashJobs > 256 {
		add("hash_jobs: %d is not accepted; use 0 (one per CPU) to 256", c.HashJobs)
	}
	for _, err := range c.ExecConfig.Prepare() {
		errs = packersdk.MultiErrorAppend(errs, err)
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
