package cis

// sectionInitialSetup is CIS section 1: filesystem (kernel modules,
// partitions and mount options), package management, mandatory access
// control, bootloader, process hardening, banners and the desktop manager.
var sectionInitialSetup = Section{
	Name: "1 Initial setup",
	Lib:  s1Lib,
	Controls: []Control{
		// ---- 1.1.1 filesystem kernel modules
		{
			Rule:  "kmod_cramfs_disabled",
			Title: "The cramfs filesystem module cannot be loaded",
			CIS:   "d12:1.1.1.1:s1w1 u22:1.1.1.1:s1w1 u24:1.1.1.1:s1w1",
			Check: "kmod_disabled cramfs",
			Fix:   "kmod_disable cramfs",
			Pass:  "modprobe.d blacklists cramfs and maps its install to /bin/false",
		},
		{
			Rule:  "kmod_freevxfs_disabled",
			Title: "The freevxfs filesystem module cannot be loaded",
			CIS:   "d12:1.1.1.2:s1w1 u22:1.1.1.2:s1w1 u24:1.1.1.2:s1w1",
			Check: "kmod_disabled freevxfs",
			Fix:   "kmod_disable freevxfs",
			Pass:  "modprobe.d blacklists freevxfs and maps its install to /bin/false",
		},
		{
			Rule:  "kmod_hfs_disabled",
			Title: "The hfs filesystem module cannot be loaded",
			CIS:   "d12:1.1.1.3:s1w1 u22:1.1.1.3:s1w1 u24:1.1.1.3:s1w1",
			Check: "kmod_disabled hfs",
			Fix:   "kmod_disable hfs",
			Pass:  "modprobe.d blacklists hfs and maps its install to /bin/false",
		},
		{
			Rule:  "kmod_hfsplus_disabled",
			Title: "The hfsplus filesystem module cannot be loaded",
			CIS:   "d12:1.1.1.4:s1w1 u22:1.1.1.4:s1w1 u24:1.1.1.4:s1w1",
			Check: "kmod_disabled hfsplus",
			Fix:   "kmod_disable hfsplus",
			Pass:  "modprobe.d blacklists hfsplus and maps its install to /bin/false",
		},
		{
			Rule:  "kmod_jffs2_disabled",
			Title: "The jffs2 filesystem module cannot be loaded",
			CIS:   "d12:1.1.1.5:s1w1 u22:1.1.1.5:s1w1 u24:1.1.1.5:s1w1",
			Check: "kmod_disabled jffs2",
			Fix:   "kmod_disable jffs2",
			Pass:  "modprobe.d blacklists jffs2 and maps its install to /bin/false",
		},
		{
			Rule:   "kmod_overlay_disabled",
			Title:  "The overlay filesystem module cannot be loaded",
			CIS:    "d12:1.1.1.6:s2w2 u24:1.1.1.6:s2w2",
			Check:  "s1_kmod_check overlay $S1_CONTAINER_PKGS",
			Fix:    "s1_kmod_fix overlay $S1_CONTAINER_PKGS",
			Pass:   "modprobe.d blacklists overlay and maps its install to /bin/false",
			Safety: "Container engines (Docker, containerd, Podman, CRI-O) store images on overlayfs: when one is installed the module is left alone and the control stays failing with the package named.",
		},
		{
			Rule:   "kmod_squashfs_disabled",
			Title:  "The squashfs filesystem module cannot be loaded",
			CIS:    "d12:1.1.1.7:s2w2 u22:1.1.1.6:s2w2 u24:1.1.1.7:s2w2",
			Check:  "s1_kmod_check squashfs snapd",
			Fix:    "s1_kmod_fix squashfs snapd",
			Pass:   "modprobe.d blacklists squashfs and maps its install to /bin/false",
			Safety: "Snaps are squashfs images (on Ubuntu the AWS SSM agent is a snap): when snapd is installed the module is left alone and the control stays failing. Ubuntu kernels build squashfs in, so the rule cannot unload it there anyway.",
		},
		{
			Rule:   "kmod_udf_disabled",
			Title:  "The udf filesystem module cannot be loaded",
			CIS:    "d12:1.1.1.8:s2w2 u22:1.1.1.7:s2w2 u24:1.1.1.8:s2w2",
			Check:  "kmod_disabled udf",
			Fix:    "kmod_disable udf",
			Pass:   "modprobe.d blacklists udf and maps its install to /bin/false",
			Safety: "AWS and GCP do not use UDF media for provisioning (Azure does: do not select this Level 2 control for Azure images).",
		},
		{
			Rule:  "kmod_usb_storage_disabled",
			Title: "USB mass storage devices cannot be used",
			CIS:   "d12:1.1.1.9:s1w2 u22:1.1.1.8:s1w2 u24:1.1.1.9:s1w2",
			Check: "kmod_disabled usb-storage",
			Fix:   "kmod_disable usb-storage",
			Pass:  "modprobe.d blacklists usb-storage and maps its install to /bin/false",
		},
		{
			Rule:   "kmod_unused_filesystems_reviewed",
			Title:  "Filesystem modules the image does not need are not loadable",
			CIS:    "d12:1.1.1.10:s1w1 u24:1.1.1.10:s1w1",
			Manual: "Review the filesystem modules of the image's kernel (ls /lib/modules/*/kernel/fs) against the filesystems it mounts, and add `install <module> /bin/false` and `blacklist <module>` lines to a file in /etc/modprobe.d (from a provisioner) for those it does not need, e.g. afs, ceph, cifs, exfat, gfs2, nfs, ntfs3, ocfs2. Keep ext4/xfs for the root filesystem and vfat for /boot/efi.",
		},

		// ---- 1.1.2.1 /tmp
		{
			Rule:   "tmp_separate_partition",
			Title:  "/tmp is its own filesystem",
			CIS:    "d12:1.1.2.1.1:s1w1 u22:1.1.2.1.1:s1w1 u24:1.1.2.1.1:s1w1",
			Check:  "_s=$(s1_tmp_source) && { h_say \"/tmp is mounted by $_s\"; return 0; }\nh_say '/tmp is not in /etc/fstab and tmp.mount is not enabled'; return 1",
			Fix:    "printf 'tmpfs\\t/tmp\\ttmpfs\\trw,nosuid,nodev,noexec,relatime,mode=1777,size=%s\\t0\\t0\\n' \"$P_tmp_size\" >>/etc/fstab\nh_say \"added a tmpfs /tmp to /etc/fstab ($P_tmp_size)\"",
			Reboot: true,
			Pass:   "/etc/fstab (or an enabled tmp.mount) mounts /tmp separately; we add a tmpfs with nodev,nosuid,noexec",
			Safety: "Only /etc/fstab changes: the running /tmp is not remounted, so later uploads to /tmp in the same build keep working. Builds that start from the hardened image and run scripts from /tmp need a remote_folder elsewhere (noexec).",
		},
		{
			Rule:   "mount_tmp_nodev",
			Title:  "/tmp is mounted nodev",
			CIS:    "d12:1.1.2.1.2:s1w1 u22:1.1.2.1.2:s1w1 u24:1.1.2.1.2:s1w1",
			Check:  "s1_tmp_opts nodev",
			Fix:    "s1_tmp_add_opts nodev",
			Reboot: true,
			Pass:   "the /tmp mount options include nodev (not-applicable when /tmp is not separate)",
		},
		{
			Rule:   "mount_tmp_nosuid",
			Title:  "/tmp is mounted nosuid",
			CIS:    "d12:1.1.2.1.3:s1w1 u22:1.1.2.1.3:s1w1 u24:1.1.2.1.3:s1w1",
			Check:  "s1_tmp_opts nosuid",
			Fix:    "s1_tmp_add_opts nosuid",
			Reboot: true,
			Pass:   "the /tmp mount options include nosuid (not-applicable when /tmp is not separate)",
		},
		{
			Rule:   "mount_tmp_noexec",
			Title:  "/tmp is mounted noexec",
			CIS:    "d12:1.1.2.1.4:s1w1 u22:1.1.2.1.4:s1w1 u24:1.1.2.1.4:s1w1",
			Check:  "s1_tmp_opts noexec",
			Fix:    "s1_tmp_add_opts noexec",
			Reboot: true,
			Pass:   "the /tmp mount options include noexec (not-applicable when /tmp is not separate)",
			Safety: "Takes effect at boot only; the build keeps running its uploaded scripts from /tmp.",
		},

		// ---- 1.1.2.2 /dev/shm
		{
			Rule:   "dev_shm_separate_partition",
			Title:  "/etc/fstab mounts /dev/shm with its hardened options",
			CIS:    "d12:1.1.2.2.1:s1w1 u22:1.1.2.2.1:s1w1 u24:1.1.2.2.1:s1w1",
			Check:  "fstab_entry /dev/shm >/dev/null && { h_say \"fstab: $(fstab_entry /dev/shm)\"; return 0; }\nh_say '/dev/shm is not in /etc/fstab (systemd mounts it with its defaults)'; return 1",
			Fix:    "s1_shm_add_opts nodev nosuid noexec",
			Reboot: true,
			Pass:   "/etc/fstab has a tmpfs line for /dev/shm (systemd always mounts /dev/shm; the line sets its options)",
		},
		{
			Rule:   "mount_dev_shm_nodev",
			Title:  "/dev/shm is mounted nodev",
			CIS:    "d12:1.1.2.2.2:s1w1 u22:1.1.2.2.2:s1w1 u24:1.1.2.2.2:s1w1",
			Check:  "s1_shm_opts nodev",
			Fix:    "s1_shm_add_opts nodev",
			Reboot: true,
			Pass:   "the /etc/fstab line (or systemd's default mount) for /dev/shm has nodev",
		},
		{
			Rule:   "mount_dev_shm_nosuid",
			Title:  "/dev/shm is mounted nosuid",
			CIS:    "d12:1.1.2.2.3:s1w1 u22:1.1.2.2.3:s1w1 u24:1.1.2.2.3:s1w1",
			Check:  "s1_shm_opts nosuid",
			Fix:    "s1_shm_add_opts nosuid",
			Reboot: true,
			Pass:   "the /etc/fstab line (or systemd's default mount) for /dev/shm has nosuid",
		},
		{
			Rule:   "mount_dev_shm_noexec",
			Title:  "/dev/shm is mounted noexec",
			CIS:    "d12:1.1.2.2.4:s1w1 u22:1.1.2.2.4:s1w1 u24:1.1.2.2.4:s1w1",
			Check:  "s1_shm_opts noexec",
			Fix:    "s1_shm_add_opts noexec",
			Reboot: true,
			Pass:   "the /etc/fstab line for /dev/shm has noexec",
		},

		// ---- 1.1.2.3 - 1.1.2.7 other partitions: layout is the builder's job
		{
			Rule:   "home_separate_partition",
			Title:  "/home is its own filesystem",
			CIS:    "d12:1.1.2.3.1:s2w2 u22:1.1.2.3.1:s2w2 u24:1.1.2.3.1:s2w2",
			Manual: "Give /home its own volume in the builder: attach a second disk (amazon-ebs launch_block_device_mappings, googlecompute disk_attachment) or partition the disk, format it, copy the current /home onto it and add an /etc/fstab line (by UUID) with nodev,nosuid before this provisioner runs; the mount-option controls then check it.",
		},
		{
			Rule:   "mount_home_nodev",
			Title:  "/home is mounted nodev",
			CIS:    "d12:1.1.2.3.2:s1w1 u22:1.1.2.3.2:s1w1 u24:1.1.2.3.2:s1w1",
			Check:  "fstab_opts /home nodev",
			Fix:    "fstab_add_opts /home nodev",
			Reboot: true,
			Pass:   "the /etc/fstab line for /home has nodev (not-applicable when /home is not separate)",
		},
		{
			Rule:   "mount_home_nosuid",
			Title:  "/home is mounted nosuid",
			CIS:    "d12:1.1.2.3.3:s1w1 u22:1.1.2.3.3:s1w1 u24:1.1.2.3.3:s1w1",
			Check:  "fstab_opts /home nosuid",
			Fix:    "fstab_add_opts /home nosuid",
			Reboot: true,
			Pass:   "the /etc/fstab line for /home has nosuid (not-applicable when /home is not separate)",
		},
		{
			Rule:   "var_separate_partition",
			Title:  "/var is its own filesystem",
			CIS:    "d12:1.1.2.4.1:s2w2 u22:1.1.2.4.1:s2w2 u24:1.1.2.4.1:s2w2",
			Manual: "Give /var its own volume in the builder (a second disk or a partition of the image disk), copy the current /var onto it and add an /etc/fstab line (by UUID) with nodev,nosuid before this provisioner runs. Moving /var of a running system is best done in the builder's disk layout (e.g. a chroot builder) rather than from a provisioner.",
		},
		{
			Rule:   "mount_var_nodev",
			Title:  "/var is mounted nodev",
			CIS:    "d12:1.1.2.4.2:s1w1 u22:1.1.2.4.2:s1w1 u24:1.1.2.4.2:s1w1",
			Check:  "fstab_opts /var nodev",
			Fix:    "fstab_add_opts /var nodev",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var has nodev (not-applicable when /var is not separate)",
		},
		{
			Rule:   "mount_var_nosuid",
			Title:  "/var is mounted nosuid",
			CIS:    "d12:1.1.2.4.3:s1w1 u22:1.1.2.4.3:s1w1 u24:1.1.2.4.3:s1w1",
			Check:  "fstab_opts /var nosuid",
			Fix:    "fstab_add_opts /var nosuid",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var has nosuid (not-applicable when /var is not separate)",
		},
		{
			Rule:   "var_tmp_separate_partition",
			Title:  "/var/tmp is its own filesystem",
			CIS:    "d12:1.1.2.5.1:s2w2 u22:1.1.2.5.1:s2w2 u24:1.1.2.5.1:s2w2",
			Manual: "Give /var/tmp its own volume in the builder (a second disk or a partition; not a tmpfs, /var/tmp must survive reboots) and add an /etc/fstab line with nodev,nosuid,noexec before this provisioner runs.",
		},
		{
			Rule:   "mount_var_tmp_nodev",
			Title:  "/var/tmp is mounted nodev",
			CIS:    "d12:1.1.2.5.2:s1w1 u22:1.1.2.5.2:s1w1 u24:1.1.2.5.2:s1w1",
			Check:  "fstab_opts /var/tmp nodev",
			Fix:    "fstab_add_opts /var/tmp nodev",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/tmp has nodev (not-applicable when /var/tmp is not separate)",
		},
		{
			Rule:   "mount_var_tmp_nosuid",
			Title:  "/var/tmp is mounted nosuid",
			CIS:    "d12:1.1.2.5.3:s1w1 u22:1.1.2.5.3:s1w1 u24:1.1.2.5.3:s1w1",
			Check:  "fstab_opts /var/tmp nosuid",
			Fix:    "fstab_add_opts /var/tmp nosuid",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/tmp has nosuid (not-applicable when /var/tmp is not separate)",
		},
		{
			Rule:   "mount_var_tmp_noexec",
			Title:  "/var/tmp is mounted noexec",
			CIS:    "d12:1.1.2.5.4:s1w1 u22:1.1.2.5.4:s1w1 u24:1.1.2.5.4:s1w1",
			Check:  "fstab_opts /var/tmp noexec",
			Fix:    "fstab_add_opts /var/tmp noexec",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/tmp has noexec (not-applicable when /var/tmp is not separate)",
		},
		{
			Rule:   "var_log_separate_partition",
			Title:  "/var/log is its own filesystem",
			CIS:    "d12:1.1.2.6.1:s2w2 u22:1.1.2.6.1:s2w2 u24:1.1.2.6.1:s2w2",
			Manual: "Give /var/log its own volume in the builder (a second disk or a partition), copy the current /var/log onto it and add an /etc/fstab line with nodev,nosuid,noexec before this provisioner runs.",
		},
		{
			Rule:   "mount_var_log_nodev",
			Title:  "/var/log is mounted nodev",
			CIS:    "d12:1.1.2.6.2:s1w1 u22:1.1.2.6.2:s1w1 u24:1.1.2.6.2:s1w1",
			Check:  "fstab_opts /var/log nodev",
			Fix:    "fstab_add_opts /var/log nodev",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/log has nodev (not-applicable when /var/log is not separate)",
		},
		{
			Rule:   "mount_var_log_nosuid",
			Title:  "/var/log is mounted nosuid",
			CIS:    "d12:1.1.2.6.3:s1w1 u22:1.1.2.6.3:s1w1 u24:1.1.2.6.3:s1w1",
			Check:  "fstab_opts /var/log nosuid",
			Fix:    "fstab_add_opts /var/log nosuid",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/log has nosuid (not-applicable when /var/log is not separate)",
		},
		{
			Rule:   "mount_var_log_noexec",
			Title:  "/var/log is mounted noexec",
			CIS:    "d12:1.1.2.6.4:s1w1 u22:1.1.2.6.4:s1w1 u24:1.1.2.6.4:s1w1",
			Check:  "fstab_opts /var/log noexec",
			Fix:    "fstab_add_opts /var/log noexec",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/log has noexec (not-applicable when /var/log is not separate)",
		},
		{
			Rule:   "var_log_audit_separate_partition",
			Title:  "/var/log/audit is its own filesystem",
			CIS:    "d12:1.1.2.7.1:s2w2 u22:1.1.2.7.1:s2w2 u24:1.1.2.7.1:s2w2",
			Manual: "Give /var/log/audit its own volume in the builder (a second disk or a partition sized for the audit log retention you configure) and add an /etc/fstab line with nodev,nosuid,noexec before this provisioner runs.",
		},
		{
			Rule:   "mount_var_log_audit_nodev",
			Title:  "/var/log/audit is mounted nodev",
			CIS:    "d12:1.1.2.7.2:s1w1 u22:1.1.2.7.2:s1w1 u24:1.1.2.7.2:s1w1",
			Check:  "fstab_opts /var/log/audit nodev",
			Fix:    "fstab_add_opts /var/log/audit nodev",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/log/audit has nodev (not-applicable when it is not separate)",
		},
		{
			Rule:   "mount_var_log_audit_nosuid",
			Title:  "/var/log/audit is mounted nosuid",
			CIS:    "d12:1.1.2.7.3:s1w1 u22:1.1.2.7.3:s1w1 u24:1.1.2.7.3:s1w1",
			Check:  "fstab_opts /var/log/audit nosuid",
			Fix:    "fstab_add_opts /var/log/audit nosuid",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/log/audit has nosuid (not-applicable when it is not separate)",
		},
		{
			Rule:   "mount_var_log_audit_noexec",
			Title:  "/var/log/audit is mounted noexec",
			CIS:    "d12:1.1.2.7.4:s1w1 u22:1.1.2.7.4:s1w1 u24:1.1.2.7.4:s1w1",
			Check:  "fstab_opts /var/log/audit noexec",
			Fix:    "fstab_add_opts /var/log/audit noexec",
			Reboot: true,
			Pass:   "the /etc/fstab line for /var/log/audit has noexec (not-applicable when it is not separate)",
		},

		// ---- 1.2 package management
		{
			Rule:   "pkg_apt_keys_reviewed",
			Title:  "apt trusts only the signing keys the image needs",
			CIS:    "d12:1.2.1.1:s1w1 u22:1.2.1.1:s1w1 u24:1.2.1.1:s1w1",
			Manual: "Review the keys apt trusts (/etc/apt/trusted.gpg, /etc/apt/trusted.gpg.d, and the keyrings named by Signed-By in /etc/apt/sources.list.d) and remove those of repositories the image does not use; add third-party repositories with a Signed-By keyring of their own rather than a globally trusted key.",
		},
		{
			Rule:   "pkg_apt_sources_reviewed",
			Title:  "apt uses only the intended package repositories",
			CIS:    "d12:1.2.1.2:s1w1 u22:1.2.1.2:s1w1 u24:1.2.1.2:s1w1",
			Manual: "Review /etc/apt/sources.list and /etc/apt/sources.list.d (apt-cache policy shows the result): keep the distribution's archive and security repositories (or your mirror of them) and the repositories you deliberately add, all over https or signed.",
		},
		{
			Rule:   "pkg_updates_installed",
			Title:  "The image has the available updates installed",
			CIS:    "d12:1.2.2.1:s1w1 u22:1.2.2.1:s1w1 u24:1.2.2.1:s1w1",
			Manual: "Run `apt-get update && apt-get -y dist-upgrade` in a provisioner before this one (and reboot if a new kernel was installed); the hardening run itself does not upgrade packages.",
		},

		// ---- 1.3 AppArmor
		{
			Rule:    "pkg_apparmor_installed",
			Title:   "AppArmor and its utilities are installed",
			CIS:     "d12:1.3.1.1:s1w1 u22:1.3.1.1:s1w1 u24:1.3.1.1:s1w1",
			Check:   "_rc=0\npkg_installed apparmor || _rc=1\npkg_installed apparmor-utils || _rc=1\nreturn $_rc",
			Install: "apparmor apparmor-utils",
			Pass:    "the apparmor and apparmor-utils packages are installed",
		},
		{
			Rule:   "boot_apparmor_enabled",
			Title:  "The kernel command line enables AppArmor",
			CIS:    "d12:1.3.1.2:s1w1 u22:1.3.1.2:s1w1 u24:1.3.1.2:s1w1",
			Check:  "s1_grub_apparmor_check",
			Fix:    "s1_grub_apparmor_fix",
			Reboot: true,
			Pass:   "GRUB_CMDLINE_LINUX (from /etc/default/grub and grub.d) has apparmor=1 security=apparmor, and so does every kernel line of /boot/grub/grub.cfg when GRUB is installed",
			Safety: "update-grub runs only when GRUB is installed (/boot/grub/grub.cfg and update-grub exist), keeping grub.cfg's mode; an image without GRUB gets the drop-in /etc/default/grub.d/99-hardening-apparmor.cfg only, which applies once GRUB is installed.",
		},
		{
			Rule:    "apparmor_profiles_enforce_or_complain",
			Title:   "AppArmor loads every profile at boot, in enforce or complain mode",
			CIS:     "d12:1.3.1.3:s1w1 u22:1.3.1.3:s1w1 u24:1.3.1.3:s1w1",
			Check:   "s1_aa_check disabled",
			Fix:     "s1_aa_fix_disabled",
			Install: "apparmor",
			Reboot:  true,
			Pass:    "apparmor.service is enabled and no profile in /etc/apparmor.d is disabled",
			Safety:  "Disabled profiles are moved to complain mode (a force-complain link), which logs but blocks nothing; nothing is loaded into the running kernel.",
		},
		{
			Rule:    "apparmor_profiles_enforced",
			Title:   "Every AppArmor profile enforces",
			CIS:     "d12:1.3.1.4:s2w2 u22:1.3.1.4:s2w2 u24:1.3.1.4:s2w2",
			Check:   "s1_aa_check disabled complain",
			Fix:     "s1_aa_fix_enforce",
			Install: "apparmor apparmor-utils",
			Reboot:  true,
			Pass:    "apparmor.service is enabled and every profile in /etc/apparmor.d is in enforce mode; profiles flagged unconfined (Ubuntu's user-namespace permission profiles) are listed but accepted",
			Safety:  "Profiles are switched with aa-enforce --no-reload: the running kernel is untouched and they enforce from the next boot. Test the image's workloads: a profile shipped in complain mode may block them.",
		},

		// ---- 1.4 bootloader
		{
			Rule:   "boot_grub_password",
			Title:  "The bootloader requires a password to edit entries",
			CIS:    "d12:1.4.1:s1w1 u22:1.4.1:s1w1 u24:1.4.1:s1w1",
			Manual: "Create a GRUB superuser with a PBKDF2 hash (grub-mkpasswd-pbkdf2) in a file under /etc/grub.d from a provisioner, mark the normal boot entries --unrestricted so the cloud instance still boots unattended, and run update-grub. Keep the password out of the template (use a secret variable).",
		},
		{
			Rule:   "file_grub_cfg_mode",
			Title:  "Only root can read the GRUB configuration",
			CIS:    "d12:1.4.2:s1w1 u22:1.4.2:s1w1 u24:1.4.2:s1w1",
			Check:  "[ -f /boot/grub/grub.cfg ] || { h_say 'no /boot/grub/grub.cfg: the image has no GRUB bootloader'; return 2; }\nfile_mode /boot/grub/grub.cfg 600 root root",
			Fix:    "file_fix_mode /boot/grub/grub.cfg 600 root root\ns1_grub_cfg_hook",
			Pass:   "/boot/grub/grub.cfg is owned by root:root with mode 0600 or stricter",
			Safety: "update-grub writes grub.cfg world-readable again; an apt DPkg::Post-Invoke hook (/etc/apt/apt.conf.d/99-hardening-grub-cfg) restores 0600 after every package operation.",
		},

		// ---- 1.5 process hardening
		{
			Rule:   "sysctl_randomize_va_space",
			Title:  "The image boots with full address space layout randomisation",
			CIS:    "d12:1.5.1:s1w1 u22:1.5.1:s1w1 u24:1.5.1:s1w1",
			Check:  "sysctl_is kernel.randomize_va_space 2",
			Fix:    "sysctl_set kernel.randomize_va_space 2",
			Reboot: true,
			Pass:   "sysctl.d files set kernel.randomize_va_space to 2",
		},
		{
			Rule:   "sysctl_ptrace_scope",
			Title:  "The image boots with ptrace restricted",
			CIS:    "d12:1.5.2:s1w1 u22:1.5.2:s1w1 u24:1.5.2:s1w1",
			Check:  "_v=$(sysctl_value kernel.yama.ptrace_scope)\nh_say \"kernel.yama.ptrace_scope = ${_v:-(not set by any sysctl.d file)}\"\ncase ${_v% (*} in 1 | 2 | 3) return 0 ;; esac\nreturn 1",
			Fix:    "sysctl_set kernel.yama.ptrace_scope \"$P_ptrace_scope\"",
			Reboot: true,
			Pass:   "sysctl.d files set kernel.yama.ptrace_scope to 1, 2 or 3",
		},
		{
			Rule:   "coredump_restricted",
			Title:  "Core dumps are disabled for users and setuid programs",
			CIS:    "d12:1.5.3:s1w1 u22:1.5.3:s1w1 u24:1.5.3:s1w1",
			Check:  "s1_core_check",
			Fix:    "s1_core_fix",
			Reboot: true,
			Pass:   "limits set a hard core limit of 0 for everyone, fs.suid_dumpable is 0 at boot and, with systemd-coredump, Storage=none and ProcessSizeMax=0",
		},
		{
			Rule:   "pkg_prelink_absent",
			Title:  "prelink is not installed",
			CIS:    "u22:1.5.4:s1w1 u24:1.5.4:s1w1",
			Check:  "pkg_absent prelink",
			Remove: "prelink",
			Pass:   "the prelink package is not installed",
			Safety: "Purging prelink does not undo prelinking: if binaries were prelinked, run `prelink -ua` before this provisioner.",
		},
		{
			Rule:   "svc_apport_disabled",
			Title:  "Automatic crash reporting (apport) is off",
			CIS:    "u22:1.5.5:s1w1 u24:1.5.5:s1w1",
			Check:  "s1_pkg apport || { h_say 'apport is not installed'; return 0; }\n_rc=0\n_e=$(kv_value /etc/default/apport enabled)\nh_say \"/etc/default/apport: enabled=${_e:-(unset)}\"\n[ \"$_e\" = 0 ] || _rc=1\nsvc_not_enabled apport.service || _rc=1\nreturn $_rc",
			Fix:    "kv_set /etc/default/apport enabled 0 =\nsvc_mask apport.service apport-autoreport.path apport-autoreport.service",
			Reboot: true,
			Pass:   "apport is not installed, or /etc/default/apport has enabled=0 and apport.service is not enabled",
		},

		// ---- 1.6 banners
		{
			Rule:   "banner_motd",
			Title:  "The message of the day does not reveal the system",
			CIS:    "d12:1.6.1:s1w1 u22:1.6.1:s1w1 u24:1.6.1:s1w1",
			Check:  "s1_banner_check /etc/motd optional",
			Fix:    "s1_banner_write /etc/motd \"$P_banner_text\"",
			Pass:   "/etc/motd is absent or has no OS name and no \\m \\r \\s \\v escapes",
			Safety: "Ubuntu's and Debian's dynamic motd scripts (/etc/update-motd.d) are not changed.",
		},
		{
			Rule:  "banner_issue",
			Title: "The local login banner warns without revealing the system",
			CIS:   "d12:1.6.2:s1w1 u22:1.6.2:s1w1 u24:1.6.2:s1w1",
			Check: "s1_banner_check /etc/issue",
			Fix:   "s1_banner_write /etc/issue \"$P_banner_text\"",
			Pass:  "/etc/issue has text, no OS name and no \\m \\r \\s \\v escapes",
		},
		{
			Rule:  "banner_issue_net",
			Title: "The remote login banner warns without revealing the system",
			CIS:   "d12:1.6.3:s1w1 u22:1.6.3:s1w1 u24:1.6.3:s1w1",
			Check: "s1_banner_check /etc/issue.net",
			Fix:   "s1_banner_write /etc/issue.net \"$P_banner_text\"",
			Pass:  "/etc/issue.net has text, no OS name and no \\m \\r \\s \\v escapes",
		},
		{
			Rule:  "file_motd_mode",
			Title: "/etc/motd is root's and world-readable only",
			CIS:   "d12:1.6.4:s1w1 u22:1.6.4:s1w1 u24:1.6.4:s1w1",
			Check: "s1_banner_mode /etc/motd",
			Fix:   "file_fix_mode \"$(readlink -f /etc/motd)\" 644 root root",
			Pass:  "/etc/motd (or its target) is absent, or root:root with mode 0644 or stricter",
		},
		{
			Rule:  "file_issue_mode",
			Title: "/etc/issue is root's and world-readable only",
			CIS:   "d12:1.6.5:s1w1 u22:1.6.5:s1w1 u24:1.6.5:s1w1",
			Check: "s1_banner_mode /etc/issue",
			Fix:   "file_fix_mode \"$(readlink -f /etc/issue)\" 644 root root",
			Pass:  "/etc/issue is absent, or root:root with mode 0644 or stricter",
		},
		{
			Rule:  "file_issue_net_mode",
			Title: "/etc/issue.net is root's and world-readable only",
			CIS:   "d12:1.6.6:s1w1 u22:1.6.6:s1w1 u24:1.6.6:s1w1",
			Check: "s1_banner_mode /etc/issue.net",
			Fix:   "file_fix_mode \"$(readlink -f /etc/issue.net)\" 644 root root",
			Pass:  "/etc/issue.net is absent, or root:root with mode 0644 or stricter",
		},

		// ---- 1.7 GNOME display manager (not-applicable without gdm3)
		{
			Rule:   "pkg_gdm_absent",
			Title:  "The GNOME display manager is not installed",
			CIS:    "d12:1.7.1:s2 u22:1.7.1:s2 u24:1.7.1:s2",
			Check:  "pkg_absent gdm3",
			Remove: "gdm3",
			Pass:   "the gdm3 package is not installed",
			Safety: "Level 2 server only; the desktop packages gdm3 pulled in stay installed (apt autoremove is not run).",
		},
		{
			Rule:    "gdm_login_banner",
			Title:   "The GDM login screen shows the warning banner",
			CIS:     "d12:1.7.2:s1w1 u22:1.7.2:s1w1 u24:1.7.2:s1w1",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready gdm gdm || _rc=1\ns1_dconf_is gdm org/gnome/login-screen/banner-message-enable true || _rc=1\ns1_dconf_is gdm org/gnome/login-screen/banner-message-text '*' || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile gdm\ns1_dconf_write gdm 60-hardening-banner org/gnome/login-screen/banner-message-enable true org/gnome/login-screen/banner-message-text \"$(s1_gvariant_str \"$P_banner_text\")\"\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the compiled gdm dconf database sets banner-message-enable=true and a banner-message-text",
		},
		{
			Rule:    "gdm_disable_user_list",
			Title:   "The GDM login screen does not list users",
			CIS:     "d12:1.7.3:s1w1 u22:1.7.3:s1w1 u24:1.7.3:s1w1",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready gdm gdm || _rc=1\ns1_dconf_is gdm org/gnome/login-screen/disable-user-list true || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile gdm\ns1_dconf_write gdm 60-hardening-user-list org/gnome/login-screen/disable-user-list true\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the compiled gdm dconf database sets disable-user-list=true",
		},
		{
			Rule:    "gdm_screen_lock_idle",
			Title:   "GNOME sessions lock the screen when idle",
			CIS:     "d12:1.7.4:s1w1 u22:1.7.4:s1w1 u24:1.7.4:s1w1",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready local user || _rc=1\ns1_dconf_uint local org/gnome/desktop/session/idle-delay 1 \"$P_gdm_idle_delay\" || _rc=1\ns1_dconf_uint local org/gnome/desktop/screensaver/lock-delay 0 \"$P_gdm_lock_delay\" || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile user\ns1_dconf_write local 60-hardening-screen-lock org/gnome/desktop/screensaver/lock-delay \"uint32 $P_gdm_lock_delay\" org/gnome/desktop/session/idle-delay \"uint32 $P_gdm_idle_delay\"\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the local dconf database (read by the user profile) sets idle-delay between 1 and gdm_idle_delay seconds and lock-delay at most gdm_lock_delay seconds",
		},
		{
			Rule:    "gdm_screen_lock_locked",
			Title:   "Users cannot change the GNOME screen lock delays",
			CIS:     "d12:1.7.5:s1w1 u22:1.7.5:s1w1 u24:1.7.5:s1w1",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready local user || _rc=1\ns1_dconf_locked local /org/gnome/desktop/session/idle-delay || _rc=1\ns1_dconf_locked local /org/gnome/desktop/screensaver/lock-delay || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile user\ns1_dconf_lock local 60-hardening-screen-lock /org/gnome/desktop/session/idle-delay /org/gnome/desktop/screensaver/lock-delay\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the local dconf database locks idle-delay and lock-delay",
		},
		{
			Rule:    "gdm_automount_disabled",
			Title:   "GNOME does not mount or open removable media automatically",
			CIS:     "d12:1.7.6:s1w2 u22:1.7.6:s1w2 u24:1.7.6:s1w2",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready local user || _rc=1\ns1_dconf_is local org/gnome/desktop/media-handling/automount false || _rc=1\ns1_dconf_is local org/gnome/desktop/media-handling/automount-open false || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile user\ns1_dconf_write local 60-hardening-automount org/gnome/desktop/media-handling/automount false org/gnome/desktop/media-handling/automount-open false\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the local dconf database sets automount=false and automount-open=false",
		},
		{
			Rule:    "gdm_automount_locked",
			Title:   "Users cannot turn GNOME's removable media automount back on",
			CIS:     "d12:1.7.7:s1w2 u22:1.7.7:s1w2 u24:1.7.7:s1w2",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready local user || _rc=1\ns1_dconf_locked local /org/gnome/desktop/media-handling/automount || _rc=1\ns1_dconf_locked local /org/gnome/desktop/media-handling/automount-open || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile user\ns1_dconf_lock local 60-hardening-automount /org/gnome/desktop/media-handling/automount /org/gnome/desktop/media-handling/automount-open\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the local dconf database locks automount and automount-open",
		},
		{
			Rule:    "gdm_autorun_never",
			Title:   "GNOME never runs software from inserted media",
			CIS:     "d12:1.7.8:s1w1 u22:1.7.8:s1w1 u24:1.7.8:s1w1",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready local user || _rc=1\ns1_dconf_is local org/gnome/desktop/media-handling/autorun-never true || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile user\ns1_dconf_write local 60-hardening-autorun org/gnome/desktop/media-handling/autorun-never true\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the local dconf database sets autorun-never=true",
		},
		{
			Rule:    "gdm_autorun_locked",
			Title:   "Users cannot turn GNOME's media autorun back on",
			CIS:     "d12:1.7.9:s1w1 u22:1.7.9:s1w1 u24:1.7.9:s1w1",
			When:    "s1_pkg gdm3",
			Check:   "_rc=0\ns1_dconf_ready local user || _rc=1\ns1_dconf_locked local /org/gnome/desktop/media-handling/autorun-never || _rc=1\nreturn $_rc",
			Fix:     "s1_dconf_profile user\ns1_dconf_lock local 60-hardening-autorun /org/gnome/desktop/media-handling/autorun-never\ns1_dconf_update",
			Install: "dconf-cli",
			Pass:    "the local dconf database locks autorun-never",
		},
		{
			Rule:   "gdm_xdmcp_disabled",
			Title:  "GDM does not offer XDMCP",
			CIS:    "d12:1.7.10:s1w1 u22:1.7.10:s1w1 u24:1.7.10:s1w1",
			When:   "s1_pkg gdm3",
			Check:  "_on=$(s1_xdmcp_enabled)\n[ -z \"$_on\" ] && { h_say 'no [xdmcp] Enable=true in /etc/gdm3'; return 0; }\nh_say \"XDMCP enabled: $_on\"; return 1",
			Fix:    "s1_xdmcp_disable",
			Reboot: true,
			Pass:   "no GDM configuration file (/etc/gdm3/custom.conf, daemon.conf) enables XDMCP",
		},
	},
	Params: []Param{
		{Name: "tmp_size", Type: String, Default: "2G", Doc: "Size limit of the tmpfs /tmp added to /etc/fstab (tmpfs size= syntax, for example 2G or 25%)."},
		{Name: "banner_text", Type: String, Default: "Authorised use only. This system and its activity may be monitored and recorded; unauthorised use is prohibited.", Doc: "Warning text written to /etc/motd, /etc/issue, /etc/issue.net and the GDM login screen (no OS name and no \\m \\r \\s \\v escapes)."},
		{Name: "ptrace_scope", Type: Int, Default: "1", Min: 1, Max: 3, Doc: "kernel.yama.ptrace_scope set at boot: 1 parents only, 2 admin only, 3 no ptrace at all."},
		{Name: "gdm_idle_delay", Type: Int, Default: "900", Min: 1, Max: 900, Doc: "Seconds of inactivity before a GNOME session blanks (idle-delay, at most 900)."},
		{Name: "gdm_lock_delay", Type: Int, Default: "5", Min: 0, Max: 5, Doc: "Seconds between the screen blanking and locking (lock-delay, at most 5)."},
	},
}

// s1Lib holds the shell helpers of section 1 (prefix s1_).
const s1Lib = `
# Packages that need the overlay module (container engines).
S1_CONTAINER_PKGS='docker.io docker-ce containerd containerd.io podman cri-o'

# s1_pkg PKG: quietly true when PKG is installed.
s1_pkg() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

# s1_kmod_blockers MODULE PKG...: print and succeed when an installed
# package among PKG needs MODULE.
s1_kmod_blockers() {
	_m=$1
	shift
	_got=
	for _p in "$@"; do s1_pkg "$_p" && _got="$_got $_p"; done
	[ -n "$_got" ] || return 1
	h_say "$_m is needed by installed package(s):$_got; not disabled"
}

s1_kmod_check() {
	_m=$1
	shift
	kmod_disabled "$_m" && return 0
	s1_kmod_blockers "$_m" "$@"
	return 1
}

s1_kmod_fix() {
	_m=$1
	shift
	# Leave the module loadable; the check keeps failing and says why.
	if s1_kmod_blockers "$_m" "$@"; then return 0; fi
	kmod_disable "$_m"
}

# s1_tmp_source: prints what mounts /tmp at boot (fstab or tmp.mount).
s1_tmp_source() {
	fstab_entry /tmp >/dev/null && { echo /etc/fstab; return 0; }
	case $(systemctl is-enabled tmp.mount 2>/dev/null) in
	enabled | enabled-runtime | static | alias) echo tmp.mount; return 0 ;;
	esac
	return 1
}

# s1_tmp_unit_opts: the Options= tmp.mount ends up with.
s1_tmp_unit_opts() {
	for _f in /etc/systemd/system/tmp.mount /usr/lib/systemd/system/tmp.mount /lib/systemd/system/tmp.mount; do
		[ -f "$_f" ] && break
	done
	cat "$_f" /etc/systemd/system/tmp.mount.d/*.conf 2>/dev/null |
		sed -n 's/^[[:space:]]*Options[[:space:]]*=[[:space:]]*//p' | tail -n 1
}

# s1_tmp_opts OPTION...: /tmp's boot-time mount has every OPTION;
# not-applicable when /tmp is not a separate mount.
s1_tmp_opts() {
	case $(s1_tmp_source) in
	/etc/fstab) fstab_opts /tmp "$@" ;;
	tmp.mount)
		_o=$(s1_tmp_unit_opts)
		h_say "tmp.mount Options=$_o"
		for _x in "$@"; do
			case ,$_o, in *",$_x,"*) ;; *) h_say "missing option $_x"; return 1 ;; esac
		done
		;;
	*) h_say '/tmp is not a separate mount (not in /etc/fstab, tmp.mount not enabled)'; return 2 ;;
	esac
}

# s1_tmp_add_opts OPTION...: add options to /tmp's fstab line or tmp.mount.
s1_tmp_add_opts() {
	case $(s1_tmp_source) in
	/etc/fstab) fstab_add_opts /tmp "$@" ;;
	tmp.mount)
		_o=$(s1_tmp_unit_opts)
		for _x in "$@"; do
			case ,$_o, in *",$_x,"*) ;; *) _o="${_o:+$_o,}$_x" ;; esac
		done
		mkdir -p /etc/systemd/system/tmp.mount.d
		printf '# Written by packer-plugin-hardening.\n[Mount]\nOptions=%s\n' "$_o" >/etc/systemd/system/tmp.mount.d/60-hardening.conf
		h_say "tmp.mount drop-in: Options=$_o"
		;;
	esac
}

# s1_shm_opts OPTION...: /dev/shm's boot-time options include every OPTION.
# Without an fstab line systemd mounts it with nosuid,nodev.
s1_shm_opts() {
	fstab_entry /dev/shm >/dev/null && { fstab_opts /dev/shm "$@"; return; }
	h_say '/dev/shm is not in /etc/fstab: systemd mounts it with nosuid,nodev'
	for _x in "$@"; do
		case $_x in nosuid | nodev) ;; *) h_say "missing option $_x"; return 1 ;; esac
	done
}

# s1_shm_add_opts OPTION...: add options to /dev/shm's fstab line, or add
# a hardened tmpfs line when there is none.
s1_shm_add_opts() {
	if fstab_entry /dev/shm >/dev/null; then
		fstab_add_opts /dev/shm "$@"
		return
	fi
	printf 'tmpfs\t/dev/shm\ttmpfs\trw,nosuid,nodev,noexec,relatime\t0\t0\n' >>/etc/fstab
	h_say "added to /etc/fstab: $(fstab_entry /dev/shm)"
}

# s1_grub_cmdline: GRUB_CMDLINE_LINUX as grub-mkconfig would compute it.
s1_grub_cmdline() {
	(
		GRUB_CMDLINE_LINUX=
		[ -f /etc/default/grub ] && . /etc/default/grub
		for _f in /etc/default/grub.d/*.cfg; do [ -f "$_f" ] && . "$_f"; done
		printf '%s' "$GRUB_CMDLINE_LINUX"
	) 2>/dev/null
}

# s1_grub_missing: the AppArmor words GRUB_CMDLINE_LINUX lacks.
s1_grub_missing() {
	_c=" $(s1_grub_cmdline) "
	for _w in apparmor=1 security=apparmor; do
		case $_c in *" $_w "*) ;; *) printf ' %s' "$_w" ;; esac
	done
}

s1_grub_apparmor_check() {
	_rc=0
	h_say "GRUB_CMDLINE_LINUX=\"$(s1_grub_cmdline)\""
	_miss=$(s1_grub_missing)
	[ -z "$_miss" ] || { h_say "missing:$_miss"; _rc=1; }
	if [ -f /boot/grub/grub.cfg ]; then
		_n=$(grep -cE '^[[:space:]]*linux[[:space:]]' /boot/grub/grub.cfg)
		_bad=$(grep -E '^[[:space:]]*linux[[:space:]]' /boot/grub/grub.cfg | grep -v 'apparmor=1' | grep -c .)
		_bad2=$(grep -E '^[[:space:]]*linux[[:space:]]' /boot/grub/grub.cfg | grep -v 'security=apparmor' | grep -c .)
		h_say "/boot/grub/grub.cfg: $_n kernel lines, $_bad without apparmor=1, $_bad2 without security=apparmor"
		[ "$_bad" = 0 ] && [ "$_bad2" = 0 ] || _rc=1
	else
		h_say 'no /boot/grub/grub.cfg: GRUB is not installed, only its defaults are checked'
	fi
	return $_rc
}

s1_grub_apparmor_fix() {
	_miss=$(s1_grub_missing)
	if [ -n "$_miss" ]; then
		mkdir -p /etc/default/grub.d
		printf '# Written by packer-plugin-hardening: enable AppArmor at boot.\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX%s"\n' "$_miss" >/etc/default/grub.d/99-hardening-apparmor.cfg
		h_say "wrote /etc/default/grub.d/99-hardening-apparmor.cfg (adds$_miss)"
	fi
	if [ -f /boot/grub/grub.cfg ] && h_has update-grub; then
		_mode=$(stat -c %a /boot/grub/grub.cfg)
		if ! _out=$(update-grub 2>&1); then
			h_say "update-grub failed: $(printf '%s' "$_out" | tail -n 3)"
			return 1
		fi
		chmod "$_mode" /boot/grub/grub.cfg
		h_say "ran update-grub (grub.cfg mode kept at $_mode)"
	else
		h_say 'GRUB is not installed: update-grub not run'
	fi
}

# s1_grub_cfg_hook: keep grub.cfg root-only after update-grub runs from apt.
s1_grub_cfg_hook() {
	printf '%s\n' '// Written by packer-plugin-hardening: update-grub makes grub.cfg world-readable.' \
		'DPkg::Post-Invoke { "if [ -f /boot/grub/grub.cfg ]; then chown 0:0 /boot/grub/grub.cfg; chmod 0600 /boot/grub/grub.cfg; fi || true"; };' \
		>/etc/apt/apt.conf.d/99-hardening-grub-cfg
	h_say 'wrote /etc/apt/apt.conf.d/99-hardening-grub-cfg'
}

# s1_aa_profiles: "MODE NAME" per profile file in /etc/apparmor.d, MODE one
# of enforce, complain, unconfined (flag), disabled.
s1_aa_profiles() {
	for _f in /etc/apparmor.d/*; do
		[ -f "$_f" ] || continue
		_b=${_f##*/}
		case $_b in README | *.dpkg-* | *.rpm* | *~ | *.orig | *.rej | *.save) continue ;; esac
		if [ -e "/etc/apparmor.d/disable/$_b" ] || [ -L "/etc/apparmor.d/disable/$_b" ]; then
			_m=disabled
		elif [ -e "/etc/apparmor.d/force-complain/$_b" ] || [ -L "/etc/apparmor.d/force-complain/$_b" ] ||
			grep -qE 'flags[[:space:]]*=[[:space:]]*\([^)]*complain' "$_f"; then
			_m=complain
		elif grep -qE 'flags[[:space:]]*=[[:space:]]*\([^)]*unconfined' "$_f"; then
			_m=unconfined
		else
			_m=enforce
		fi
		echo "$_m $_b"
	done
}

# s1_aa_check BADMODE...: AppArmor is installed and enabled at boot, has
# profiles, and none is in one of BADMODE.
s1_aa_check() {
	pkg_installed apparmor || return 1
	_rc=0
	svc_enabled apparmor.service || _rc=1
	_l=$(s1_aa_profiles)
	[ -n "$_l" ] || { h_say 'no profile in /etc/apparmor.d'; return 1; }
	h_say "profiles: $(printf '%s\n' "$_l" | awk '{ n[$1]++ } END { for (m in n) printf "%s %d  ", m, n[m] }')"
	for _bm in "$@"; do
		_x=$(printf '%s\n' "$_l" | awk -v m="$_bm" '$1 == m { printf "%s ", $2 }')
		[ -z "$_x" ] || { h_say "$_bm: $_x"; _rc=1; }
	done
	_u=$(printf '%s\n' "$_l" | awk '$1 == "unconfined" { n++ } END { print n + 0 }')
	[ "$_u" = 0 ] || h_say "$_u profiles are flagged unconfined by the distribution (accepted)"
	return $_rc
}

# s1_aa_fix_disabled: enable apparmor at boot; disabled profiles go to
# complain mode.
s1_aa_fix_disabled() {
	svc_enable apparmor.service
	s1_aa_profiles | while read -r _m _b; do
		[ "$_m" = disabled ] || continue
		rm -f "/etc/apparmor.d/disable/$_b"
		mkdir -p /etc/apparmor.d/force-complain
		ln -sf "/etc/apparmor.d/$_b" "/etc/apparmor.d/force-complain/$_b"
		h_say "$_b: disabled -> complain"
	done
}

# s1_aa_fix_enforce: every disabled or complain profile enforces from the
# next boot (aa-enforce --no-reload: the running kernel is not touched).
s1_aa_fix_enforce() {
	svc_enable apparmor.service
	h_has aa-enforce || { h_say 'aa-enforce (apparmor-utils) is missing'; return 1; }
	s1_aa_profiles | while read -r _m _b; do
		case $_m in disabled | complain) ;; *) continue ;; esac
		rm -f "/etc/apparmor.d/disable/$_b" "/etc/apparmor.d/force-complain/$_b"
		if grep -qE 'flags[[:space:]]*=[[:space:]]*\([^)]*complain' "/etc/apparmor.d/$_b"; then
			aa-enforce --no-reload "/etc/apparmor.d/$_b" >/dev/null
		fi
		h_say "$_b: $_m -> enforce"
	done
}

# s1_core_value KEY: systemd-coredump's setting KEY (drop-ins win).
s1_core_value() {
	_v=
	for _f in /etc/systemd/coredump.conf /usr/lib/systemd/coredump.conf.d/*.conf /etc/systemd/coredump.conf.d/*.conf; do
		[ -f "$_f" ] || continue
		_x=$(kv_value "$_f" "$1")
		[ -z "$_x" ] || _v=$_x
	done
	printf '%s' "$_v"
}

s1_core_check() {
	_rc=0
	_l=$(grep -HE '^[[:space:]]*\*[[:space:]]+hard[[:space:]]+core[[:space:]]+0[[:space:]]*$' /etc/security/limits.conf /etc/security/limits.d/*.conf 2>/dev/null | head -n 1)
	if [ -n "$_l" ]; then h_say "limits: $_l"; else h_say 'no "* hard core 0" in /etc/security/limits.conf or limits.d'; _rc=1; fi
	sysctl_is fs.suid_dumpable 0 || _rc=1
	if [ -x /lib/systemd/systemd-coredump ] || [ -x /usr/lib/systemd/systemd-coredump ]; then
		_s=$(s1_core_value Storage) _p=$(s1_core_value ProcessSizeMax)
		h_say "systemd-coredump: Storage=${_s:-(default)} ProcessSizeMax=${_p:-(default)}"
		[ "$_s" = none ] && [ "$_p" = 0 ] || _rc=1
	else
		h_say 'systemd-coredump is not installed'
	fi
	return $_rc
}

s1_core_fix() {
	printf '# Written by packer-plugin-hardening: no core dumps.\n*\thard\tcore\t0\n' >/etc/security/limits.d/60-hardening-coredump.conf
	h_say 'wrote /etc/security/limits.d/60-hardening-coredump.conf'
	sysctl_set fs.suid_dumpable 0
	mkdir -p /etc/systemd/coredump.conf.d
	printf '# Written by packer-plugin-hardening.\n[Coredump]\nStorage=none\nProcessSizeMax=0\n' >/etc/systemd/coredump.conf.d/60-hardening.conf
	h_say 'wrote /etc/systemd/coredump.conf.d/60-hardening.conf'
}

# s1_banner_check FILE [optional]: FILE has no OS name or getty escapes
# (\m \r \s \v) and, unless optional, exists with text.
s1_banner_check() {
	if ! [ -e "$1" ]; then
		h_say "$1 does not exist"
		[ "${2:-}" = optional ]
		return
	fi
	_os=$(. /etc/os-release 2>/dev/null && printf '%s' "$ID")
	# shellcheck disable=SC2086
	_bad=$(grep -Ein -e '\\[mrsv]' ${_os:+-e "$_os"} "$1" | head -n 5)
	if [ -n "$_bad" ]; then
		h_say "$1 shows the OS name or \\m \\r \\s \\v escapes:"
		h_say "$_bad"
		return 1
	fi
	if [ "${2:-}" != optional ] && ! grep -q '[^[:space:]]' "$1"; then
		h_say "$1 is empty"
		return 1
	fi
	h_say "$1: $(head -c 160 "$1" | tr '\n' ' ')"
}

# s1_banner_write FILE TEXT: replace FILE (not a symlink's target) by TEXT.
s1_banner_write() {
	[ -L "$1" ] && rm -f "$1"
	printf '%s\n' "$2" >"$1.hardening.tmp"
	chmod 0644 "$1.hardening.tmp"
	chown 0:0 "$1.hardening.tmp"
	mv "$1.hardening.tmp" "$1"
	h_say "wrote the banner text to $1"
}

# s1_banner_mode FILE: FILE, or its target, is root:root 0644 at most.
s1_banner_mode() {
	_t=$(readlink -f "$1" 2>/dev/null) || _t=$1
	[ "$_t" = "$1" ] || h_say "$1 -> $_t"
	file_mode "${_t:-$1}" 644 root root
}

# s1_gvariant_str TEXT: TEXT as a GVariant string literal.
s1_gvariant_str() {
	printf "'%s'" "$(printf '%s' "$1" | sed -e "s/[\\\\']/\\\\&/g")"
}

# s1_dconf_vals DB PATH: "file: value" for every keyfile line of DB that
# sets PATH (section/key, no leading slash).
s1_dconf_vals() {
	_sec=${2%/*} _key=${2##*/}
	for _f in /etc/dconf/db/"$1".d/*; do
		[ -f "$_f" ] || continue
		awk -v s="$_sec" -v k="$_key" -v f="$_f" '
			{ l = $0; sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l) }
			l ~ /^[#;]/ { next }
			l ~ /^\[/ { sec = substr(l, 2, length(l) - 2); next }
			sec == s && (i = index(l, "=")) > 0 {
				n = substr(l, 1, i - 1); sub(/[ \t]+$/, "", n)
				if (n == k) { v = substr(l, i + 1); sub(/^[ \t]+/, "", v); print f ": " v }
			}' "$_f"
	done
}

# s1_dconf_is DB PATH VALUE: every keyfile of DB that sets PATH sets it to
# VALUE (* accepts any non-empty value), and at least one does.
s1_dconf_is() {
	_vals=$(s1_dconf_vals "$1" "$2")
	[ -n "$_vals" ] || { h_say "/$2 is not set in /etc/dconf/db/$1.d"; return 1; }
	h_say "$_vals"
	printf '%s\n' "$_vals" | while IFS= read -r _l; do
		_v=${_l#*: }
		if [ "$3" = '*' ]; then
			[ -n "$_v" ] && [ "$_v" != "''" ] || exit 1
		else
			[ "$_v" = "$3" ] || exit 1
		fi
	done
}

# s1_dconf_uint DB PATH MIN MAX: every setting of PATH is uint32 MIN..MAX.
s1_dconf_uint() {
	_vals=$(s1_dconf_vals "$1" "$2")
	[ -n "$_vals" ] || { h_say "/$2 is not set in /etc/dconf/db/$1.d"; return 1; }
	h_say "$_vals"
	printf '%s\n' "$_vals" | while IFS= read -r _l; do
		_v=${_l#*: }
		_v=${_v#uint32 }
		case $_v in '' | *[!0-9]*) exit 1 ;; esac
		[ "$_v" -ge "$3" ] && [ "$_v" -le "$4" ] || exit 1
	done
}

# s1_dconf_locked DB PATH: a lock file of DB names PATH (or a parent dir).
s1_dconf_locked() {
	_h=$(cat /etc/dconf/db/"$1".d/locks/* 2>/dev/null | sed 's/[[:space:]]*$//' |
		awk -v p="$2" '$0 == p || (substr($0, length($0)) == "/" && index(p, $0) == 1) { print; exit }')
	[ -n "$_h" ] && { h_say "locked in $1: $_h"; return 0; }
	h_say "$2 is not locked in /etc/dconf/db/$1.d/locks"
	return 1
}

# s1_dconf_profile_file NAME: the profile dconf reads for NAME.
s1_dconf_profile_file() {
	[ -f "/etc/dconf/profile/$1" ] && { echo "/etc/dconf/profile/$1"; return; }
	echo "/usr/share/dconf/profile/$1"
}

# s1_dconf_ready DB PROFILE: PROFILE reads system-db:DB and DB is compiled
# from its current keyfiles.
s1_dconf_ready() {
	_pf=$(s1_dconf_profile_file "$2")
	if grep -Eq "^[[:space:]]*system-db:$1[[:space:]]*\$" "$_pf" 2>/dev/null; then
		h_say "$_pf reads system-db:$1"
	else
		h_say "dconf profile $2 ($_pf) does not read system-db:$1"
		return 1
	fi
	[ -f "/etc/dconf/db/$1" ] || { h_say "/etc/dconf/db/$1 is not compiled"; return 1; }
	_new=$(find "/etc/dconf/db/$1.d" -newer "/etc/dconf/db/$1" 2>/dev/null | head -n 3 | tr '\n' ' ')
	[ -z "$_new" ] || { h_say "/etc/dconf/db/$1 is older than $_new"; return 1; }
}

# s1_dconf_profile NAME: the dconf profile NAME reads its system database
# (user: local, gdm: gdm).
s1_dconf_profile() {
	_db=local
	[ "$1" = gdm ] && _db=gdm
	_pf=$(s1_dconf_profile_file "$1")
	grep -Eq "^[[:space:]]*system-db:$_db[[:space:]]*\$" "$_pf" 2>/dev/null && return 0
	mkdir -p /etc/dconf/profile
	if [ -f "$_pf" ]; then
		{ cat "$_pf"; echo "system-db:$_db"; } >"/etc/dconf/profile/$1.hardening.tmp"
	elif [ "$1" = gdm ]; then
		printf 'user-db:user\nsystem-db:gdm\nfile-db:/usr/share/gdm/greeter-dconf-defaults\n' >"/etc/dconf/profile/$1.hardening.tmp"
	else
		printf 'user-db:user\nsystem-db:%s\n' "$_db" >"/etc/dconf/profile/$1.hardening.tmp"
	fi
	chmod 0644 "/etc/dconf/profile/$1.hardening.tmp"
	mv "/etc/dconf/profile/$1.hardening.tmp" "/etc/dconf/profile/$1"
	h_say "/etc/dconf/profile/$1 now reads system-db:$_db"
}

# s1_dconf_write DB NAME PATH VALUE [PATH VALUE]...: write keyfile NAME of
# DB with the settings (pairs grouped by section), commenting out the same
# keys in the other keyfiles of DB so no file contradicts them.
s1_dconf_write() {
	_db=$1 _kf=/etc/dconf/db/$1.d/$2
	shift 2
	mkdir -p "/etc/dconf/db/$_db.d"
	_body= _last=
	while [ $# -ge 2 ]; do
		_sec=${1%/*} _key=${1##*/}
		for _f in /etc/dconf/db/"$_db".d/*; do
			[ -f "$_f" ] && [ "$_f" != "$_kf" ] || continue
			awk -v s="$_sec" -v k="$_key" '
				{ l = $0; sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l) }
				l ~ /^\[/ { sec = substr(l, 2, length(l) - 2) }
				sec == s && l !~ /^[#;]/ && (i = index(l, "=")) > 0 {
					n = substr(l, 1, i - 1); sub(/[ \t]+$/, "", n)
					if (n == k) { print "# replaced by packer-plugin-hardening: " $0; c++; next }
				}
				{ print }
				END { exit c == 0 }' "$_f" >"$_f.hardening.tmp" && cat "$_f.hardening.tmp" >"$_f" && h_say "$_f: commented out $_key"
			rm -f "$_f.hardening.tmp"
		done
		[ "$_sec" = "$_last" ] || _body="$_body
[$_sec]"
		_body="$_body
$_key=$2"
		_last=$_sec
		shift 2
	done
	printf '# Written by packer-plugin-hardening.%s\n' "$_body" >"$_kf"
	chmod 0644 "$_kf"
	h_say "wrote $_kf"
}

# s1_dconf_lock DB NAME PATH...: lock the keys in DB's lock file NAME.
s1_dconf_lock() {
	_lf=/etc/dconf/db/$1.d/locks/$2
	shift 2
	mkdir -p "${_lf%/*}"
	printf '%s\n' "$@" >"$_lf"
	chmod 0644 "$_lf"
	h_say "wrote $_lf"
}

# s1_dconf_update: compile every dconf database from its keyfiles.
s1_dconf_update() {
	h_has dconf || { h_say 'dconf (dconf-cli) is missing'; return 1; }
	for _d in /etc/dconf/db/*.d; do [ -d "$_d" ] && touch "$_d"; done
	dconf update 2>&1 || true
	for _d in /etc/dconf/db/*.d; do
		[ -d "$_d" ] || continue
		[ -f "${_d%.d}" ] && [ -z "$(find "$_d" -newer "${_d%.d}" | head -n 1)" ] && continue
		dconf compile "${_d%.d}" "$_d"
	done
	h_say 'compiled the dconf databases'
}

# s1_xdmcp_enabled: "file: line" for each [xdmcp] Enable=true in GDM's files.
s1_xdmcp_enabled() {
	for _f in /etc/gdm3/custom.conf /etc/gdm3/daemon.conf; do
		[ -f "$_f" ] || continue
		awk -v f="$_f" '
			{ l = $0; gsub(/[ \t]/, "", l) }
			l ~ /^\[/ { sec = tolower(l); next }
			sec == "[xdmcp]" && tolower(l) ~ /^enable=(true|1|yes)$/ { printf "%s: %s ", f, $0 }' "$_f"
	done
}

s1_xdmcp_disable() {
	for _f in /etc/gdm3/custom.conf /etc/gdm3/daemon.conf; do
		[ -f "$_f" ] || continue
		awk '
			{ l = $0; gsub(/[ \t]/, "", l) }
			l ~ /^\[/ { sec = tolower(l) }
			sec == "[xdmcp]" && tolower(l) ~ /^enable=/ { print "# disabled by packer-plugin-hardening: " $0; next }
			{ print }' "$_f" >"$_f.hardening.tmp" && cat "$_f.hardening.tmp" >"$_f"
		rm -f "$_f.hardening.tmp"
		h_say "$_f: [xdmcp] Enable lines commented out"
	done
}
`
