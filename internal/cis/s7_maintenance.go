package cis

// sectionMaintenance is CIS section 7: permissions of system files and the
// consistency of local users and groups.
var sectionMaintenance = Section{
	Name: "7 System maintenance",
	Controls: []Control{
		{
			Rule:  "file_etc_passwd_permissions",
			Title: "/etc/passwd is mode 644 or stricter, owned by root:root",
			CIS:   "d12:7.1.1:s1w1 u22:7.1.1:s1w1 u24:7.1.1:s1w1",
			Check: "file_mode /etc/passwd 0644 root root",
			Fix:   "file_fix_mode /etc/passwd 0644 root root",
			Pass:  "no permission bit outside 0644; owner and group root",
		},
	},
}
