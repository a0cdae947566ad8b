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

	ctx interpolate.Context
}

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
