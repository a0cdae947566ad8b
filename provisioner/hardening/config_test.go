package hardening

import (
	"github.com/imagesmith/packer-plugin-hardening/internal/guest"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func TestPrepareDefaults(t *testing.T) {
	var c Config
	plan, err := c.Prepare(now, map[string]interface{}{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != "cis_level1_server" || c.FailOn != "level1" || c.RemoteFolder != "/var/tmp" ||
		c.EvidenceDir != "evidence" || !*c.WaitForCloudInit || c.Cloud != "auto" || c.ExecuteCommand != guest.DefaultExecuteCommand {
		t.Errorf("defaults: %+v", c)
	}
	if c.RebootAndAudit != nil || c.RebootTimeout != 10*time.Minute || c.BootAuditOnly {
		t.Errorf("reboot defaults: reboot_and_audit %v (want unset: decided per guest), timeout %s, boot_audit_only %v", c.RebootAndAudit, c.RebootTimeout, c.BootAuditOnly)
	}
	if len(plan.Controls) != 3 {
		t.Errorf("plan covers %d benchmarks, want 3", len(plan.Controls))
	}
}

func TestPrepareRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		raw  map[string]interface{}
		want []string
	}{
		{"unknown profile", map[string]interface{}{"profile": "cis_level3_server"},
			[]string{`profile: "cis_level3_server" is not a profile; accepted: cis_level1_server, cis_level2_server`}},
		{"unknown rule in skip", map[string]interface{}{"skip": []map[string]interface{}{{"rule": "no_such_rule", "reason": "x"}}},
			[]string{`skip[0].rule: "no_such_rule" is not a rule name`}},
		{"skip without reason", map[string]interface{}{"skip": []map[string]interface{}{{"rule": "sshd_permit_root_login_disabled"}}},
			[]string{`skip[0].reason: skipping "sshd_permit_root_login_disabled" needs a reason`}},
		{"bad expiry", map[string]interface{}{"skip": []map[string]interface{}{{"rule": "sshd_permit_root_login_disabled", "reason": "r", "expires": "next year"}}},
			[]string{`skip[0].expires: "next year" is not a date; use YYYY-MM-DD`}},
		{"parameter of the wrong type", map[string]interface{}{"parameters": map[string]string{"ipv6": "maybe"}},
			[]string{`parameters.ipv6: "maybe" is not true or false`}},
		{"unknown parameter", map[string]interface{}{"parameters": map[string]string{"pass_max_dayz": "90"}},
			[]string{"parameters.pass_max_dayz: unknown parameter"}},
		{"bad fail_on", map[string]interface{}{"fail_on": "sometimes"},
			[]string{`fail_on: "sometimes" is not accepted; use level1, profile or none`}},
		{"relative remote folder", map[string]interface{}{"remote_folder": "tmp"},
			[]string{`remote_folder: "tmp" must be an absolute guest path`}},
		{"execute_command without path", map[string]interface{}{"execute_command": "sh x"},
			[]string{"execute_command:", "{{.Path}} and {{.Results}}"}},
		{"bad cloud", map[string]interface{}{"cloud": "azure"},
			[]string{`cloud: "azure" is not a cloud preset`}},
		{"reboot in a chroot builder", map[string]interface{}{"reboot_and_audit": true, "packer_builder_type": "hardening-rootfs"},
			[]string{"reboot_and_audit: the hardening-rootfs builder runs the provisioners in a chroot, which cannot reboot"}},
		{"boot audit in a chroot builder", map[string]interface{}{"boot_audit_only": true, "packer_builder_type": "amazon-chroot"},
			[]string{"boot_audit_only: the amazon-chroot builder runs the provisioners in a chroot"}},
		{"boot audit and audit only", map[string]interface{}{"boot_audit_only": true, "audit_only": true},
			[]string{"boot_audit_only: it reboots and audits only"}},
		{"negative reboot timeout", map[string]interface{}{"reboot_timeout": "-5m"},
			[]string{"reboot_timeout: -5m0s is negative"}},
		{"unparsable reboot timeout", map[string]interface{}{"reboot_timeout": "soon"},
			[]string{"reboot_timeout"}},
		{"several at once", map[string]interface{}{"profile": "x", "fail_on": "y", "cloud": "z"},
			[]string{"profile:", "fail_on:", "cloud:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c Config
			_, err := c.Prepare(now, tc.raw)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}
