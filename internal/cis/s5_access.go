package cis

// sectionAccess is CIS section 5: the SSH server, privilege escalation,
// PAM, and user accounts and environment.
var sectionAccess = Section{
	Name: "5 Access control",
	Controls: []Control{
		{
			Rule:   "sshd_permit_root_login_disabled",
			Title:  "sshd refuses root logins",
			CIS:    "d12:5.1.20:s1w1 u22:5.1.20:s1w1 u24:5.1.20:s1w1",
			Check:  "sshd_is PermitRootLogin no",
			Fix:    "sshd_set PermitRootLogin no",
			Reboot: true,
			Pass:   "sshd -T reports permitrootlogin no",
			Safety: "sshd is not restarted; the build's session keeps working. Build as a non-root user with sudo when you want new root logins to fail.",
		},
	},
}
