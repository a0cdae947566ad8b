//go:generate packer-sdc mapstructure-to-hcl2 -type Config,Skip
//go:generate packer-sdc struct-markdown

package hardening

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/common"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
)

// Skip waives one control: it is still checked and its real result recorded
// beside the waiver, but never remediated and never fails the build.
type Skip struct {
	// The rule name of the control, as listed in the control table.
	Rule string `mapstructure:"rule" required:"true"`
	// Why the control does not apply to this image. Required: it is recorded
	// in the evidence auditors read.
	Reason string `mapstructure:"reason" required:"true"`
	// Who owns the decision, for example a team or a ticket.
	Owner string `mapstructure:"owner" required:"false"`
	// The date (`YYYY-MM-DD`, UTC) from which the waiver no longer applies:
	// the control is then enforced again and the build says so.
	Expires string `mapstructure:"expires" required:"false"`
}

// Config is the configuration of the hardening provisioner.
type Config struct {
	common.PackerConfig `mapstructure:",squash"`
	guest.ExecConfig    `mapstructure:",squash"`

	// The CIS profile to apply: `cis_level1_server` (default),
	// `cis_level2_server`, `cis_level1_workstation` or
	// `cis_level2_workstation`. Level 2 includes Level 1.
	Profile string `mapstructure:"profile" required:"false"`
	// Controls to waive, one block each with `rule`, `reason` and optionally
	// `owner` and `expires`.
	Skip []Skip `mapstructure:"skip" required:"false"`
	// Rule names of single controls to add from outside the profile (for
	// example a Level 2 control on a Level 1 build).
	Include []string `mapstructure:"include" required:"false"`
	// Parameter overrides, for example `{ pass_max_days = "180",
	// time_servers = "10.0.0.1 10.0.0.2" }`. Every parameter, its type and
	// default is listed in the parameter table; a wrong name or a value of
	// the wrong type is an error.
	Parameters map[string]string `mapstructure:"parameters" required:"false"`
	// Only audit: report every control's status and change nothing in the
	// guest. Defaults to false (audit, remediate, audit again).
	AuditOnly bool `mapstructure:"audit_only" required:"false"`
	// Which controls still failing (or in error) after remediation fail the
	// build: `level1` (default: the Level 1 controls of the profile),
	// `profile` (every control of the profile and the includes) or `none`
	// (report only).
	FailOn string `mapstructure:"fail_on" required:"false"`
	// Where the evidence is written on the machine running Packer: the
	// results (JSON and JUnit XML) and the exact script go to
	// `<evidence_dir>/<build name>/`. Defaults to `evidence`. The
	// hardening-attest post-processor reads the same directory.
	EvidenceDir string `mapstructure:"evidence_dir" required:"false"`
	// Wait for cloud-init to finish (`cloud-init status --wait`) before
	// auditing, when the guest has booted with cloud-init. Defaults to true.
	WaitForCloudInit *bool `mapstructure:"wait_for_cloud_init" required:"false"`
	// The cloud the image is for: `aws`, `gcp`, `none`, or `auto` (default:
	// detected from the guest's firmware when it is a booted cloud VM,
	// `none` in a chroot). It sets the time source (Amazon Time Sync
	// Service, the GCE metadata server) unless parameters override it, and
	// is recorded in the evidence.
	Cloud string `mapstructure:"cloud" required:"false"`
	// After remediation, reboot the guest and audit it again on the running
	// system: the build fails, naming the controls, when the guest does not
	// come back over SSH within `reboot_timeout`, or when a control that
	// passed or was fixed does not pass after the boot (for the controls
	// that take effect at boot, the value in effect is checked too: the
	// running kernel's sysctls, mounts, the loaded nftables ruleset and
	// audit rules, AppArmor, the services). The evidence records the
	// after-boot result of every control and both boot IDs. Defaults to true
	// on a booted guest (amazon-ebs, googlecompute, null...) and false in a
	// chroot, which cannot reboot; true with a chroot builder is an error.
	RebootAndAudit *bool `mapstructure:"reboot_and_audit" required:"false"`
	// How long to wait for the guest to come back over SSH after the
	// reboot, for example `15m`. Defaults to `10m`.
	RebootTimeout time.Duration `mapstructure:"reboot_timeout" required:"false"`
	// Change nothing: reboot the guest, audit it, and add the after-boot
	// results to the evidence an earlier hardening provisioner of the same
	// build wrote (same `evidence_dir`; it must exist). Put it last, after
	// the provisioners that change the image after hardening, to prove the
	// image as it will be captured. Uses that run's profile and parameters.
	BootAuditOnly bool `mapstructure:"boot_audit_only" required:"false"`

	ctx interpolate.Context
}

// chrootBuilders run provisioners in a chroot of the image, not a booted
// guest.
var chrootBuilders = map[string]bool{"hardening-rootfs": true, "amazon-chroot": true, "azure-chroot": true}

// Prepare decodes raws, applies defaults and reports every error at once.
func (c *Config) Prepare(now time.Time, raws ...interface{}) (*cis.Plan, error) {
	err := config.Decode(c, &config.DecodeOpts{
		PluginType:         "hardening",
		Interpolate:        true,
		InterpolateContext: &c.ctx,
		InterpolateFilter: &interpolate.RenderFilter{
			Exclude: []string{"execute_command"},
		},
	}, raws...)
	if err != nil {
		return nil, err
	}
	if c.Profile == "" {
		c.Profile = "cis_level1_server"
	}
	if c.FailOn == "" {
		c.FailOn = cis.FailOnLevel1
	}
	if c.EvidenceDir == "" {
		c.EvidenceDir = "evidence"
	}
	if c.WaitForCloudInit == nil {
		t := true
		c.WaitForCloudInit = &t
	}
	if c.Cloud == "" {
		c.Cloud = "auto"
	}
	if c.RebootTimeout == 0 {
		c.RebootTimeout = 10 * time.Minute
	}

	var errs *packersdk.MultiError
	add := func(err error) { errs = packersdk.MultiErrorAppend(errs, err) }
	profile, err := cis.ParseProfile(c.Profile)
	if err != nil {
		add(err)
		profile = cis.Profiles[0] // still validate the rest against some profile
	}
	switch c.FailOn {
	case cis.FailOnLevel1, cis.FailOnProfile, cis.FailOnNone:
	default:
		add(fmt.Errorf("fail_on: %q is not accepted; use level1, profile or none", c.FailOn))
	}
	for _, err := range c.ExecConfig.Prepare() {
		add(err)
	}
	if c.RebootTimeout < 0 {
		add(fmt.Errorf("reboot_timeout: %s is negative; use a duration such as 10m", c.RebootTimeout))
	}
	if chrootBuilders[c.PackerBuilderType] && c.RebootAndAudit != nil && *c.RebootAndAudit {
		add(fmt.Errorf("reboot_and_audit: the %s builder runs the provisioners in a chroot, which cannot reboot; set reboot_and_audit = false and prove the image by booting it (a null build over SSH to the booted disk, see the hardening provisioner docs)", c.PackerBuilderType))
	}
	if c.BootAuditOnly && chrootBuilders[c.PackerBuilderType] {
		add(fmt.Errorf("boot_audit_only: the %s builder runs the provisioners in a chroot, which cannot reboot", c.PackerBuilderType))
	}
	if c.BootAuditOnly && (c.AuditOnly || (c.RebootAndAudit != nil && !*c.RebootAndAudit)) {
		add(errors.New("boot_audit_only: it reboots and audits only; it cannot be combined with audit_only or reboot_and_audit = false"))
	}
	waivers := make([]cis.Waiver, 0, len(c.Skip))
	for i, s := range c.Skip {
		w := cis.Waiver{Rule: s.Rule, Reason: s.Reason, Owner: s.Owner}
		if s.Expires != "" {
			t, err := time.Parse("2006-01-02", s.Expires)
			if err != nil {
				add(fmt.Errorf("skip[%d].expires: %q is not a date; use YYYY-MM-DD", i, s.Expires))
			}
			w.Expires = t
		}
		waivers = append(waivers, w)
	}
	cat, err := cis.Load()
	if err != nil {
		return nil, err
	}
	plan, err := cis.NewPlan(cat, cis.Options{
		Profile: profile, Include: c.Include, Waivers: waivers, Params: c.Parameters,
		Cloud: c.Cloud, AuditOnly: c.AuditOnly, WaitForCloudInit: *c.WaitForCloudInit, Now: now,
	})
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			add(errors.New(line))
		}
	}
	if errs != nil && len(errs.Errors) > 0 {
		return nil, errs
	}
	return plan, nil
}
