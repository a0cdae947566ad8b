package cis

// sectionInitialSetup is CIS section 1: filesystem (kernel modules,
// partitions and mount options), package management, mandatory access
// control, bootloader, process hardening, banners and the desktop manager.
var sectionInitialSetup = Section{
	Name: "1 Initial setup",
	Controls: []Control{
		{
			Rule:  "kmod_cramfs_disabled",
			Title: "The cramfs filesystem module cannot be loaded",
			CIS:   "d12:1.1.1.1:s1w1 u22:1.1.1.1:s1w1 u24:1.1.1.1:s1w1",
			Check: "kmod_disabled cramfs",
			Fix:   "kmod_disable cramfs",
			Pass:  "modprobe.d blacklists cramfs and maps its install to /bin/false",
		},
		{
			Rule:   "tmp_separate_partition",
			Title:  "/tmp is its own filesystem",
			CIS:    "d12:1.1.2.1.1:s1w1 u22:1.1.2.1.1:s1w1 u24:1.1.2.1.1:s1w1",
			Check:  "fstab_entry /tmp >/dev/null && { h_say \"fstab: $(fstab_entry /tmp)\"; return 0; }\nh_say '/tmp is not in /etc/fstab'; return 1",
			Fix:    "printf 'tmpfs\\t/tmp\\ttmpfs\\tdefaults,rw,nosuid,nodev,noexec,relatime,size=%s\\t0\\t0\\n' \"$P_tmp_size\" >>/etc/fstab\nh_say \"added a tmpfs /tmp to /etc/fstab ($P_tmp_size)\"",
			Reboot: true,
			Pass:   "/etc/fstab mounts /tmp separately (a tmpfs when we add it)",
			Safety: "Only /etc/fstab changes: the running /tmp is not remounted, so later uploads to /tmp in the same build keep working.",
		},
	},
	Params: []Param{
		{Name: "tmp_size", Type: String, Default: "2G", Doc: "Size limit of the tmpfs /tmp added to /etc/fstab (tmpfs size= syntax, for example 2G or 25%)."},
	},
}
