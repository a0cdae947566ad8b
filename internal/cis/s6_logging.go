package cis

import "fmt"

// sectionLogging is CIS section 6: journald and rsyslog, auditd and its
// rules, and filesystem integrity checking (AIDE).
//
// Numbering differs between the benchmarks: Debian 12 and Ubuntu 24.04 put
// system logging in 6.1, auditd in 6.2 and AIDE in 6.3; Ubuntu 22.04 puts AIDE
// in 6.1, journald in 6.2 (it has no rsyslog recommendations) and auditd in
// 6.3.
var sectionLogging = Section{
	Name: "6 Logging and auditing",
	Lib:  loggingLib,
	Params: []Param{
		{Name: "log_logger", Type: Enum, Enum: []string{"journald", "rsyslog"}, Default: "journald",
			Doc: "The one logging system CIS 6.1 expects: journald (persistent journal, rsyslog disabled) or rsyslog (journald forwards to it). The controls of the other alternative are not-applicable."},
		{Name: "journald_rotation", Type: List, Default: "SystemMaxUse=1G SystemKeepFree=512M RuntimeMaxUse=256M RuntimeKeepFree=128M MaxFileSec=1month",
			Doc: "journald size and age limits (Key=Value words of journald.conf [Journal]) written to a journald.conf.d drop-in."},
		{Name: "journald_upload_url", Type: String, Default: "",
			Doc: "URL of the systemd-journal-remote server the journal is uploaded to (for example https://logs.example.com:19532). Empty: the upload controls report manual."},
		{Name: "journald_upload_key", Type: String, Default: "/etc/ssl/private/journal-upload.pem", Doc: "Client private key for systemd-journal-upload (ServerKeyFile); you provide the file."},
		{Name: "journald_upload_cert", Type: String, Default: "/etc/ssl/certs/journal-upload.pem", Doc: "Client certificate for systemd-journal-upload (ServerCertificateFile); you provide the file."},
		{Name: "journald_upload_trust", Type: String, Default: "/etc/ssl/ca/trusted.pem", Doc: "CA bundle systemd-journal-upload trusts for the server (TrustedCertificateFile); you provide the file."},
		{Name: "rsyslog_remote", Type: String, Default: "",
			Doc: "Remote log host rsyslog forwards everything to over TCP, as host or host:port (port 514 when omitted). Empty: the remote-host control reports manual unless a forwarding rule exists."},
		{Name: "audit_backlog_limit", Type: Int, Default: "8192", Min: 8192, Max: 16777216,
			Doc: "audit_backlog_limit= kernel argument (CIS asks for 8192 or more)."},
		{Name: "audit_max_log_file", Type: Int, Default: "8", Min: 1, Max: 1048576,
			Doc: "auditd.conf max_log_file: size in MB of one audit log file."},
		{Name: "audit_disk_full_action", Type: Enum, Enum: []string{"halt", "single"}, Default: "halt",
			Doc: "auditd.conf disk_full_action: what auditd does when the audit log filesystem is full."},
		{Name: "audit_disk_error_action", Type: Enum, Enum: []string{"syslog", "single", "halt"}, Default: "syslog",
			Doc: "auditd.conf disk_error_action: what auditd does on a disk error writing the audit log."},
		{Name: "audit_space_left_action", Type: Enum, Enum: []string{"email", "single", "halt"}, Default: "email",
			Doc: "auditd.conf space_left_action when the audit log filesystem runs low (email goes to root and needs a local MTA to be delivered)."},
		{Name: "audit_admin_space_left_action", Type: Enum, Enum: []string{"single", "halt"}, Default: "single",
			Doc: "auditd.conf admin_space_left_action when the audit log filesystem is nearly full."},
		{Name: "aide_init", Type: Enum, Enum: []string{"first_boot", "build", "none"}, Default: "first_boot",
			Doc: "When the AIDE database is built: first_boot (a oneshot unit runs aideinit at the first boot of each instance), build (aideinit runs during the build: slow, and the database describes the build machine), none (you build it)."},
	},
	Controls: loggingControls(),
}

// auditIDs returns the CIS field of a control that exists in all three
// benchmarks, with dx the Debian 12 / Ubuntu 24.04 number and u22 the Ubuntu
// 22.04 number.
func auditIDs(dx, u22, lv string) string {
	return fmt.Sprintf("d12:%s:%s u22:%s:%s u24:%s:%s", dx, lv, u22, lv, dx, lv)
}

// auditRuleControl is a control that keeps one topic's rules in its own
// /etc/audit/rules.d file (see audit_expect in the section's helpers).
func auditRuleControl(rule, title, n, topic, pass string) Control {
	return Control{
		Rule:    rule,
		Title:   title,
		CIS:     auditIDs("6.2.3."+n, "6.3.3."+n, "s2w2"),
		Check:   "audit_rules_check " + topic,
		Fix:     "audit_rules_write " + topic,
		Install: "auditd",
		Reboot:  true,
		Pass:    pass,
		Safety:  "Rules are only written to /etc/audit/rules.d and compiled into /etc/audit/audit.rules with augenrules (no --load); auditctl never runs, so the build host's audit state is untouched. auditd loads them at boot.",
	}
}

func loggingControls() []Control {
	cs := []Control{
		// ---- 6.1.1 / 6.2.1.1: journald in general --------------------------
		{
			Rule:  "journald_service_enabled",
			Title: "systemd-journald starts at boot",
			CIS:   "d12:6.1.1.1:s1w1 u22:6.2.1.1.1:s1w1 u24:6.1.1.1:s1w1",
			Check: "svc_enabled systemd-journald.service",
			Fix:   "systemctl unmask systemd-journald.service\nh_say 'unmasked systemd-journald.service (it is static: started by sockets at boot)'",
			Pass:  "systemd-journald.service is static or enabled (not masked)",
		},
		{
			Rule:  "journald_log_access",
			Title: "tmpfiles gives the journal root ownership and no world write or other-read on journal files",
			CIS:   "d12:6.1.1.2:s1w1 u22:6.2.1.1.2:s1w1 u24:6.1.1.2:s1w1",
			Check: "log_journal_tmpfiles_check",
			Pass:  "the effective tmpfiles.d systemd.conf sets journal directories to 2755 or stricter and journal files to 0640 or stricter, owned by root with group systemd-journal or root. CIS marks this manual (site policy); there is no fix: copy systemd.conf to /etc/tmpfiles.d and tighten it if your policy wants more.",
		},
		{
			Rule:   "journald_rotation",
			Title:  "journald limits the size and age of the journal",
			CIS:    "d12:6.1.1.3:s1w1 u22:6.2.1.1.3:s1w1 u24:6.1.1.3:s1w1",
			Check:  "log_jd_rotation_check",
			Fix:    "for _kv in $P_journald_rotation; do log_jd_set \"${_kv%%=*}\" \"${_kv#*=}\"; done",
			Reboot: true,
			Pass:   "every Key=Value of the journald_rotation parameter is the effective journald setting (CIS leaves the values to site policy)",
		},
		{
			Rule:   "log_single_logger",
			Title:  "Only the chosen logging system collects logs",
			CIS:    "d12:6.1.1.4:s1w1 u24:6.1.1.4:s1w1",
			Check:  "log_single_check",
			Fix:    "log_single_fix",
			Reboot: true,
			Pass:   "log_logger=journald: journald is enabled and rsyslog and syslog-ng are not; log_logger=rsyslog: rsyslog is enabled and syslog-ng is not",
			Safety: "Other loggers are disabled (not stopped, not purged); cloud-init and the guest agents log to the journal either way.",
		},
		// ---- journald as the logger ------------------------------------------
		{
			Rule:    "journald_remote_installed",
			Title:   "systemd-journal-remote is installed",
			CIS:     "d12:6.1.2.1.1:s1w1 u22:6.2.1.2.1:s1w1 u24:6.1.2.1.1:s1w1",
			When:    `[ "$P_log_logger" = journald ]`,
			Check:   "pkg_installed systemd-journal-remote",
			Install: "systemd-journal-remote",
			Pass:    "the package that provides systemd-journal-upload is installed",
		},
		{
			Rule:   "journald_upload_configured",
			Title:  "systemd-journal-upload knows its server and TLS credentials",
			CIS:    "d12:6.1.2.1.2:s1w1 u22:6.2.1.2.2:s1w1 u24:6.1.2.1.2:s1w1",
			When:   `[ "$P_log_logger" = journald ]`,
			Check:  "log_upload_check",
			Fix:    "log_upload_fix",
			Reboot: true,
			Pass:   "journal-upload.conf sets URL, ServerKeyFile, ServerCertificateFile and TrustedCertificateFile. Without a URL (parameter journald_upload_url unset and none configured) the check reports manual: only you know the log server. The key and certificate files are yours to provide; the evidence says whether they exist.",
		},
		{
			Rule:   "journald_upload_enabled",
			Title:  "systemd-journal-upload starts at boot",
			CIS:    "d12:6.1.2.1.3:s1w1 u22:6.2.1.2.3:s1w1 u24:6.1.2.1.3:s1w1",
			When:   `[ "$P_log_logger" = journald ]`,
			Check:  "log_upload_url >/dev/null || { h_say 'no upload URL configured (parameter journald_upload_url): nothing to upload to; enabling the service would only fail at boot'; return 3; }\nsvc_enabled systemd-journal-upload.service",
			Fix:    "svc_enable systemd-journal-upload.service",
			Reboot: true,
			Pass:   "systemd-journal-upload.service is enabled; manual while no upload URL is configured",
		},
		{
			Rule:   "journald_remote_receiver_disabled",
			Title:  "The image does not receive journals from other hosts",
			CIS:    "d12:6.1.2.1.4:s1w1 u22:6.2.1.2.4:s1w1 u24:6.1.2.1.4:s1w1",
			When:   `[ "$P_log_logger" = journald ]`,
			Check:  "_rc=0\nfor _u in systemd-journal-remote.socket systemd-journal-remote.service; do\n\t_s=$(systemctl is-enabled \"$_u\" 2>/dev/null)\n\th_say \"$_u: ${_s:-not installed}\"\n\t[ \"$_s\" = masked ] || _rc=1\ndone\nreturn $_rc",
			Fix:    "systemctl mask systemd-journal-remote.socket systemd-journal-remote.service",
			Reboot: true,
			Pass:   "systemd-journal-remote.socket and .service are masked (also when the package is absent, so installing it later cannot turn the receiver on; its postinst enables the socket)",
		},
		{
			Rule:   "journald_no_forward_to_syslog",
			Title:  "journald does not forward to a syslog daemon",
			CIS:    "d12:6.1.2.2:s1w1 u22:6.2.1.1.4:s1w1 u24:6.1.2.2:s1w1",
			When:   `[ "$P_log_logger" = journald ]`,
			Check:  "log_jd_is ForwardToSyslog no",
			Fix:    "log_jd_set ForwardToSyslog no",
			Reboot: true,
			Pass:   "the effective journald ForwardToSyslog is no",
		},
		{
			Rule:   "journald_compress",
			Title:  "journald compresses large journal entries",
			CIS:    "d12:6.1.2.3:s1w1 u22:6.2.1.1.6:s1w1 u24:6.1.2.3:s1w1",
			When:   `[ "$P_log_logger" = journald ]`,
			Check:  "log_jd_is Compress yes",
			Fix:    "log_jd_set Compress yes",
			Reboot: true,
			Pass:   "the effective journald Compress is yes",
		},
		{
			Rule:   "journald_storage_persistent",
			Title:  "journald keeps the journal on disk",
			CIS:    "d12:6.1.2.4:s1w1 u22:6.2.1.1.5:s1w1 u24:6.1.2.4:s1w1",
			When:   `[ "$P_log_logger" = journald ]`,
			Check:  "log_jd_is Storage persistent",
			Fix:    "log_jd_set Storage persistent",
			Reboot: true,
			Pass:   "the effective journald Storage is persistent",
		},
		// ---- rsyslog as the logger (Debian 12, Ubuntu 24.04) ----------------
		{
			Rule:    "rsyslog_installed",
			Title:   "rsyslog is installed",
			CIS:     "d12:6.1.3.1:s1w1 u24:6.1.3.1:s1w1",
			When:    `[ "$P_log_logger" = rsyslog ]`,
			Check:   "pkg_installed rsyslog",
			Install: "rsyslog",
			Pass:    "the rsyslog package is installed",
		},
		{
			Rule:   "rsyslog_service_enabled",
			Title:  "rsyslog starts at boot",
			CIS:    "d12:6.1.3.2:s1w1 u24:6.1.3.2:s1w1",
			When:   `[ "$P_log_logger" = rsyslog ]`,
			Check:  "svc_enabled rsyslog.service",
			Fix:    "svc_enable rsyslog.service",
			Reboot: true,
			Pass:   "rsyslog.service is enabled",
		},
		{
			Rule:   "rsyslog_journald_forward",
			Title:  "journald forwards to rsyslog",
			CIS:    "d12:6.1.3.3:s1w1 u24:6.1.3.3:s1w1",
			When:   `[ "$P_log_logger" = rsyslog ]`,
			Check:  "log_jd_is ForwardToSyslog yes",
			Fix:    "log_jd_set ForwardToSyslog yes",
			Reboot: true,
			Pass:   "the effective journald ForwardToSyslog is yes",
		},
		{
			Rule:   "rsyslog_file_create_mode",
			Title:  "rsyslog creates log files 0640 or stricter",
			CIS:    "d12:6.1.3.4:s1w1 u24:6.1.3.4:s1w1",
			When:   `[ "$P_log_logger" = rsyslog ]`,
			Check:  "log_rs_mode_check",
			Fix:    "log_rs_mode_fix",
			Reboot: true,
			Pass:   "every $FileCreateMode / fileCreateMode in rsyslog.conf and rsyslog.d is 0640 or stricter, and at least one is set",
		},
		{
			Rule:   "rsyslog_logging_rules",
			Title:  "rsyslog sends each facility to the right file",
			CIS:    "d12:6.1.3.5:s1w1 u24:6.1.3.5:s1w1",
			Manual: "Review the selectors in /etc/rsyslog.conf and /etc/rsyslog.d/*.conf against your site policy (which facilities and priorities go to which files) and ship your own rsyslog.d file with the image if needed.",
		},
		{
			Rule:   "rsyslog_remote_host",
			Title:  "rsyslog forwards logs to a remote log host",
			CIS:    "d12:6.1.3.6:s1w1 u24:6.1.3.6:s1w1",
			When:   `[ "$P_log_logger" = rsyslog ]`,
			Check:  "log_rs_remote_check",
			Fix:    "log_rs_remote_fix",
			Reboot: true,
			Pass:   "an omfwd action (or @@host line) sends logs to rsyslog_remote; manual while rsyslog_remote is empty and no forwarding is configured",
		},
		{
			Rule:   "rsyslog_no_remote_receive",
			Title:  "rsyslog does not accept logs from the network",
			CIS:    "d12:6.1.3.7:s1w1 u24:6.1.3.7:s1w1",
			When:   `[ "$P_log_logger" = rsyslog ]`,
			Check:  "log_rs_listen_check",
			Fix:    "log_rs_listen_fix",
			Reboot: true,
			Pass:   "no active imtcp/imudp/imrelp module load or network input in the rsyslog configuration",
		},
		{
			Rule:    "log_logrotate_configured",
			Title:   "logrotate rotates the rsyslog files",
			CIS:     "d12:6.1.3.8:s1w1 u24:6.1.3.8:s1w1",
			When:    `[ "$P_log_logger" = rsyslog ]`,
			Check:   "log_logrotate_check",
			Fix:     "if unit_exists logrotate.timer; then svc_enable logrotate.timer; fi",
			Install: "logrotate",
			Pass:    "logrotate is installed, /etc/logrotate.d/rsyslog exists and logrotate runs daily (timer or cron.daily). CIS marks this manual: review the rotation counts and sizes yourself.",
		},
		{
			Rule:   "log_var_log_access",
			Title:  "Files under /var/log have the modes and owners CIS expects for their kind",
			CIS:    "d12:6.1.4.1:s1w1 u22:6.2.2.1:s1w1 u24:6.1.4.1:s1w1",
			Check:  "log_varlog_check",
			Fix:    "log_varlog_fix",
			Pass:   "wtmp/btmp/lastlog: 0664, root, group root or utmp; auth.log/syslog/messages/secure: 0640, root or syslog, group root or adm; sssd: 0660; gdm: 0660; *.journal: 0640, group systemd-journal; other files: 0640, owned by root, syslog or a system account (uid below UID_MIN, as services own their logs), group root, adm or that account's group. Human-owned files are given to root:adm",
			Safety: "Each file is changed only as far as its pattern requires (bits removed, never added; owner and group only when not allowed), so utmp-group login records and service-owned logs keep working.",
		},
		// ---- 6.2.1 / 6.3.1: auditd ------------------------------------------
		{
			Rule:    "audit_packages_installed",
			Title:   "auditd and its dispatcher plugins are installed",
			CIS:     auditIDs("6.2.1.1", "6.3.1.1", "s2w2"),
			Check:   "_rc=0; pkg_installed auditd || _rc=1; pkg_installed audispd-plugins || _rc=1; return $_rc",
			Install: "auditd audispd-plugins",
			Pass:    "auditd and audispd-plugins are installed",
		},
		{
			Rule:    "audit_service_enabled",
			Title:   "auditd starts at boot",
			CIS:     auditIDs("6.2.1.2", "6.3.1.2", "s2w2"),
			Check:   "svc_enabled auditd.service",
			Fix:     "svc_enable auditd.service",
			Install: "auditd",
			Reboot:  true,
			Pass:    "auditd.service is enabled",
		},
		{
			Rule:   "audit_boot_audit_enabled",
			Title:  "The kernel audits processes started before auditd (audit=1)",
			CIS:    auditIDs("6.2.1.3", "6.3.1.3", "s2w2"),
			Check:  "audit_boot_arg_check audit 1",
			Fix:    "audit_boot_arg_set audit 1",
			Reboot: true,
			Pass:   "audit=1 is the last audit= argument of every kernel entry in /boot/grub/grub.cfg (and /etc/kernel/cmdline when present); without grub.cfg, the /etc/default/grub.d settings give it",
			Safety: "Written to /etc/default/grub.d/99-hardening-audit.cfg; update-grub runs only when grub.cfg exists and update-grub is installed. Without grub, the bootloader your build installs must read /etc/default/grub.d (Debian and Ubuntu grub packages do).",
		},
		{
			Rule:   "audit_backlog_limit",
			Title:  "The kernel audit backlog holds enough events until auditd starts",
			CIS:    auditIDs("6.2.1.4", "6.3.1.4", "s2w2"),
			Check:  "audit_boot_arg_check audit_backlog_limit \"$P_audit_backlog_limit\" min",
			Fix:    "audit_boot_arg_set audit_backlog_limit \"$P_audit_backlog_limit\"",
			Reboot: true,
			Pass:   "audit_backlog_limit= on the kernel command line is at least the audit_backlog_limit parameter (8192 by default); same sources as audit=1",
			Safety: "As for audit=1: a grub.d drop-in, and update-grub only when grub is installed.",
		},
		{
			Rule:    "audit_max_log_file",
			Title:   "auditd limits the size of each audit log file",
			CIS:     auditIDs("6.2.2.1", "6.3.2.1", "s2w2"),
			Check:   "audit_conf_is max_log_file \"$P_audit_max_log_file\"",
			Fix:     "audit_conf_set max_log_file \"$P_audit_max_log_file\"",
			Install: "auditd",
			Reboot:  true,
			Pass:    "auditd.conf max_log_file equals the audit_max_log_file parameter (MB)",
		},
		{
			Rule:    "audit_keep_logs",
			Title:   "auditd keeps full audit logs instead of deleting them",
			CIS:     auditIDs("6.2.2.2", "6.3.2.2", "s2w2"),
			Check:   "audit_conf_is max_log_file_action keep_logs",
			Fix:     "audit_conf_set max_log_file_action keep_logs",
			Install: "auditd",
			Reboot:  true,
			Pass:    "auditd.conf max_log_file_action = keep_logs",
			Safety:  "Audit logs are never rotated away: ship them off the instance or watch the disk, or disk_full_action will stop the system.",
		},
		{
			Rule:    "audit_disk_full_action",
			Title:   "The system stops when the audit log disk is full or fails",
			CIS:     auditIDs("6.2.2.3", "6.3.2.3", "s2w2"),
			Check:   "_rc=0\naudit_conf_is disk_full_action \"$P_audit_disk_full_action\" halt single || _rc=1\naudit_conf_is disk_error_action \"$P_audit_disk_error_action\" syslog single halt || _rc=1\nreturn $_rc",
			Fix:     "audit_conf_set disk_full_action \"$P_audit_disk_full_action\"\naudit_conf_set disk_error_action \"$P_audit_disk_error_action\"",
			Install: "auditd",
			Reboot:  true,
			Pass:    "disk_full_action is halt or single and disk_error_action is syslog, single or halt (the parameters choose; any value CIS accepts passes)",
			Safety:  "Takes effect only when the instance runs out of audit log space; defaults halt (full) and syslog (disk error).",
		},
		{
			Rule:    "audit_space_left_action",
			Title:   "auditd warns when the audit log disk runs low",
			CIS:     auditIDs("6.2.2.4", "6.3.2.4", "s2w2"),
			Check:   "_rc=0\naudit_conf_is space_left_action \"$P_audit_space_left_action\" email exec single halt || _rc=1\naudit_conf_is admin_space_left_action \"$P_audit_admin_space_left_action\" single halt || _rc=1\nif [ \"$(audit_conf_value space_left_action | tr A-Z a-z)\" = email ]; then audit_conf_is action_mail_acct root || _rc=1; fi\nreturn $_rc",
			Fix:     "audit_conf_set space_left_action \"$P_audit_space_left_action\"\naudit_conf_set admin_space_left_action \"$P_audit_admin_space_left_action\"\n[ \"$P_audit_space_left_action\" != email ] || audit_conf_set action_mail_acct root",
			Install: "auditd",
			Reboot:  true,
			Pass:    "space_left_action is email, exec, single or halt (email to action_mail_acct root) and admin_space_left_action is single or halt",
			Safety:  "email needs a local MTA (/usr/sbin/sendmail) to be delivered; without one auditd logs a warning and keeps running.",
		},
	}

	// ---- 6.2.3 / 6.3.3: audit rules ---------------------------------------
	cs = append(cs,
		auditRuleControl("audit_rules_scope", "Changes to sudoers are audited", "1", "scope",
			"watches on /etc/sudoers and /etc/sudoers.d for writes and attribute changes"),
		auditRuleControl("audit_rules_user_emulation", "Commands run as another user are audited", "2", "user_emulation",
			"execve with euid different from uid, by a logged-in user, for both b64 and b32"),
		auditRuleControl("audit_rules_sudo_log", "Changes to the sudo log file are audited", "3", "sudo_log",
			"a watch on the sudoers Defaults logfile (or /var/log/sudo.log when none is set)"),
		auditRuleControl("audit_rules_time_change", "Changes to the date and time are audited", "4", "time_change",
			"adjtimex, settimeofday, clock_settime (realtime clock) for b64 and b32, and a watch on /etc/localtime"),
		auditRuleControl("audit_rules_network", "Changes to the network environment are audited", "5", "network",
			"sethostname and setdomainname for b64 and b32; watches on /etc/issue, issue.net, hosts, hostname, networks, /etc/network and /etc/netplan"),
		auditRuleControl("audit_rules_privileged", "Every setuid and setgid program is audited when run by a user", "6", "privileged",
			"an execute rule (auid >= UID_MIN) for every setuid/setgid file found on the image's local filesystems (one walk, at build time)"),
		auditRuleControl("audit_rules_access", "Unsuccessful file access attempts are audited", "7", "access",
			"creat, open, openat, truncate, ftruncate failing with EACCES or EPERM for users (auid >= UID_MIN), b64 and b32"),
		auditRuleControl("audit_rules_identity", "Changes to users, groups and authentication configuration are audited", "8", "identity",
			"watches on group, passwd, gshadow, shadow, security/opasswd, nsswitch.conf, pam.conf and pam.d"),
		auditRuleControl("audit_rules_perm_mod", "Permission, ownership and xattr changes are audited", "9", "perm_mod",
			"chmod/chown/xattr syscall families for users (auid >= UID_MIN), b64 and b32"),
		auditRuleControl("audit_rules_mounts", "Filesystem mounts by users are audited", "10", "mounts",
			"mount for users (auid >= UID_MIN), b64 and b32"),
		auditRuleControl("audit_rules_session", "Session initiation records are audited", "11", "session",
			"watches on /var/run/utmp, /var/log/wtmp and /var/log/btmp"),
		auditRuleControl("audit_rules_logins", "Login and logout records are audited", "12", "logins",
			"watches on /var/log/lastlog and /var/run/faillock"),
		auditRuleControl("audit_rules_delete", "File deletions and renames by users are audited", "13", "delete",
			"unlink, unlinkat, rename, renameat for users (auid >= UID_MIN), b64 and b32"),
		auditRuleControl("audit_rules_mac_policy", "Changes to the AppArmor policy are audited", "14", "mac_policy",
			"watches on /etc/apparmor and /etc/apparmor.d"),
		auditRuleControl("audit_rules_chcon", "Runs of chcon are audited", "15", "chcon",
			"an execute rule on /usr/bin/chcon for users (auid >= UID_MIN)"),
		auditRuleControl("audit_rules_setfacl", "Runs of setfacl are audited", "16", "setfacl",
			"an execute rule on /usr/bin/setfacl for users (auid >= UID_MIN)"),
		auditRuleControl("audit_rules_chacl", "Runs of chacl are audited", "17", "chacl",
			"an execute rule on /usr/bin/chacl for users (auid >= UID_MIN)"),
		auditRuleControl("audit_rules_usermod", "Runs of usermod are audited", "18", "usermod",
			"an execute rule on /usr/sbin/usermod for users (auid >= UID_MIN)"),
		auditRuleControl("audit_rules_kernel_modules", "Kernel module loading and unloading is audited", "19", "kernel_modules",
			"init/finit/delete/create/query_module for users (b64 and b32, where the architecture has them) and an execute rule on /usr/bin/kmod"),
		Control{
			Rule:    "audit_rules_immutable",
			Title:   "The audit rules cannot change until reboot (-e 2)",
			CIS:     auditIDs("6.2.3.20", "6.3.3.20", "s2w2"),
			Check:   "audit_immutable_check",
			Fix:     "audit_rules_write immutable",
			Install: "auditd",
			Reboot:  true,
			Pass:    "the last -e line of /etc/audit/rules.d (in augenrules order) is -e 2; ours is in 99-zz-hardening-finalize.rules",
			Safety:  "Only the rules file changes; rule changes after boot need a reboot, which is what CIS wants.",
		},
		Control{
			Rule:    "audit_rules_loaded_match",
			Title:   "The rules auditd loads at boot are the ones in rules.d",
			CIS:     auditIDs("6.2.3.21", "6.3.3.21", "s2w2"),
			Check:   "audit_loaded_check",
			Fix:     "audit_regen",
			Install: "auditd",
			Reboot:  true,
			Pass:    "augenrules --check reports no difference between /etc/audit/rules.d and /etc/audit/audit.rules, and auditd.service loads them (augenrules --load) at start. The running rules cannot be read in image mode (auditctl never runs); at runtime compare auditctl -l yourself.",
		},
	)

	// ---- 6.2.4 / 6.3.4: audit files -----------------------------------------
	af := func(rule, title, n, check, fix, pass string) Control {
		return Control{Rule: rule, Title: title, CIS: auditIDs("6.2.4."+n, "6.3.4."+n, "s2w2"),
			Check: check, Fix: fix, Install: "auditd", Pass: pass}
	}
	cs = append(cs,
		af("audit_log_file_mode", "Audit log files are mode 0640 or stricter", "1",
			"audit_logfiles_check mode", "audit_logfiles_fix mode", "every file in the log_file directory of auditd.conf has no permission bit outside 0640"),
		af("audit_log_file_owner", "Audit log files belong to root", "2",
			"audit_logfiles_check owner", "audit_logfiles_fix owner", "every file in the audit log directory is owned by root"),
		af("audit_log_file_group", "Audit log files belong to group root or adm", "3",
			"audit_logfiles_check group", "audit_logfiles_fix group", "log_group in auditd.conf is root or adm and every audit log file has group root or adm"),
		af("audit_log_dir_mode", "The audit log directory is mode 0750 or stricter", "4",
			"audit_logfiles_check dir", "audit_logfiles_fix dir", "the directory of log_file has no permission bit outside 0750"),
		af("audit_conf_file_mode", "Audit configuration files are mode 0640 or stricter", "5",
			"audit_conffiles mode check", "audit_conffiles mode fix", "every .conf and .rules file under /etc/audit has no permission bit outside 0640"),
		af("audit_conf_file_owner", "Audit configuration files belong to root", "6",
			"audit_conffiles owner check", "audit_conffiles owner fix", "every .conf and .rules file under /etc/audit is owned by root"),
		af("audit_conf_file_group", "Audit configuration files belong to group root", "7",
			"audit_conffiles group check", "audit_conffiles group fix", "every .conf and .rules file under /etc/audit has group root"),
		af("audit_tools_mode", "Audit tools are mode 0755 or stricter", "8",
			"audit_tools mode check", "audit_tools mode fix", "auditctl, aureport, ausearch, autrace, auditd and augenrules have no permission bit outside 0755"),
		af("audit_tools_owner", "Audit tools belong to root", "9",
			"audit_tools owner check", "audit_tools owner fix", "the audit tools are owned by root"),
		af("audit_tools_group", "Audit tools belong to group root", "10",
			"audit_tools group check", "audit_tools group fix", "the audit tools have group root"),
	)

	// ---- 6.3 (Debian 12, Ubuntu 24.04) / 6.1 (Ubuntu 22.04): AIDE -----------
	cs = append(cs,
		Control{
			Rule:    "aide_installed",
			Title:   "AIDE is installed and its database is built (or will be at first boot)",
			CIS:     "d12:6.3.1:s1w1 u22:6.1.1:s1w1 u24:6.3.1:s1w1",
			Check:   "aide_installed_check",
			Fix:     "aide_init_fix",
			Install: "aide aide-common",
			Reboot:  true,
			Pass:    "aide and aide-common are installed and /var/lib/aide/aide.db exists, or (aide_init=first_boot) hardening-aide-init.service is enabled: a oneshot unit that runs aideinit at the first boot, only while no database exists",
			Safety:  "first_boot builds the database at low CPU and I/O priority after boot, without blocking logins; build runs aideinit in the build (minutes) and records the build machine's files.",
		},
		Control{
			Rule:    "aide_regular_check",
			Title:   "AIDE checks the filesystem daily",
			CIS:     "d12:6.3.2:s1w1 u22:6.1.2:s1w1 u24:6.3.2:s1w1",
			Check:   "aide_schedule_check",
			Fix:     "aide_schedule_fix",
			Install: "aide aide-common",
			Reboot:  true,
			Pass:    "dailyaidecheck.timer (Debian's aide-common) is enabled, or our aidecheck.timer, or (where the package has no timer) an enabled cron runs aide --check",
		},
		Control{
			Rule:    "aide_audit_tools",
			Title:   "AIDE verifies the audit tools with a cryptographic hash",
			CIS:     "d12:6.3.3:s2w2 u22:6.1.3:s2w2 u24:6.3.3:s2w2",
			Check:   "aide_tools_check",
			Fix:     "aide_tools_fix",
			Install: "aide aide-common",
			Pass:    "the AIDE configuration has a rule with p+i+n+u+g+s+b+acl+xattrs+sha512 for each of auditctl, auditd, ausearch, aureport, autrace and augenrules",
		},
	)
	return cs
}

// loggingLib holds the shell helpers of this section.
const loggingLib = `
# ---- journald ---------------------------------------------------------------
LOG_JD_DROPIN=/etc/systemd/journald.conf.d/99-zz-hardening.conf

# log_jd_files: journald.conf and its drop-ins in systemd's order (an /etc
# drop-in masks a /usr one of the same name). /run is left out: it is empty
# at the next boot.
log_jd_files() {
	if [ -f /etc/systemd/journald.conf ]; then
		echo /etc/systemd/journald.conf
	elif [ -f /usr/lib/systemd/journald.conf ]; then
		echo /usr/lib/systemd/journald.conf
	fi
	_ljd=
	for _d in /etc/systemd/journald.conf.d /usr/local/lib/systemd/journald.conf.d /usr/lib/systemd/journald.conf.d /lib/systemd/journald.conf.d; do
		for _f in "$_d"/*.conf; do
			[ -f "$_f" ] || continue
			case " $_ljd " in *"/${_f##*/} "*) continue ;; esac
			_ljd="$_ljd $_f"
		done
	done
	for _f in $_ljd; do printf '%s %s\n' "${_f##*/}" "$_f"; done | sort | cut -d' ' -f2
}

# log_jd_value KEY: the effective [Journal] KEY and the file that sets it.
log_jd_value() {
	# shellcheck disable=SC2046
	awk -v k="$1" '
		FNR == 1 { sec = "" }
		/^[ \t]*[#;]/ { next }
		/^[ \t]*\[/ { sec = $0; gsub(/[ \t\[\]]/, "", sec); next }
		sec == "Journal" {
			i = index($0, "="); if (i == 0) next
			n = substr($0, 1, i - 1); gsub(/[ \t]/, "", n)
			if (n != k) next
			v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v); f = FILENAME
		}
		END { if (f != "") print v " (" f ")" }' $(log_jd_files) /dev/null
}

# log_jd_is KEY VALUE: pass when journald's effective KEY is VALUE.
log_jd_is() {
	_v=$(log_jd_value "$1")
	h_say "journald $1=${_v:-(not set)}"
	[ -n "$_v" ] && [ "$(printf '%s' "${_v% (*}" | tr A-Z a-z)" = "$(printf '%s' "$2" | tr A-Z a-z)" ]
}

# log_jd_set KEY VALUE: set KEY in our drop-in, which sorts last.
log_jd_set() {
	mkdir -p "${LOG_JD_DROPIN%/*}"
	[ -f "$LOG_JD_DROPIN" ] || printf '# Written by packer-plugin-hardening.\n[Journal]\n' >"$LOG_JD_DROPIN"
	grep -v "^[ \t]*$1[ \t]*=" "$LOG_JD_DROPIN" >"$LOG_JD_DROPIN.tmp" || true
	printf '%s=%s\n' "$1" "$2" >>"$LOG_JD_DROPIN.tmp"
	chmod 0644 "$LOG_JD_DROPIN.tmp" && mv "$LOG_JD_DROPIN.tmp" "$LOG_JD_DROPIN"
	h_say "set $1=$2 in $LOG_JD_DROPIN (journald reads it at boot)"
}

log_jd_rotation_check() {
	_lrc=0
	for _kv in $P_journald_rotation; do
		log_jd_is "${_kv%%=*}" "${_kv#*=}" || _lrc=1
	done
	return $_lrc
}

# log_journal_tmpfiles_check: the journal entries of the effective
# tmpfiles.d systemd.conf: files 0640, directories 2755 or stricter.
log_journal_tmpfiles_check() {
	_tf=
	for _f in /etc/tmpfiles.d/systemd.conf /usr/lib/tmpfiles.d/systemd.conf /lib/tmpfiles.d/systemd.conf; do
		[ -f "$_f" ] && { _tf=$_f; break; }
	done
	[ -n "$_tf" ] || { h_say "no tmpfiles.d/systemd.conf: journald creates its files 0640 root:systemd-journal itself"; return 0; }
	awk -v f="$_tf" '
		function bad(m, max,   i, a, b, bit) {
			while (length(m) < 4) m = "0" m
			for (i = 1; i <= 4; i++) {
				a = substr(m, i, 1) + 0; b = substr(max, i, 1) + 0
				for (bit = 4; bit >= 1; bit /= 2)
					if (int(a / bit) % 2 == 1 && int(b / bit) % 2 == 0) return 1
			}
			return 0
		}
		/^[ \t]*#/ || NF < 3 { next }
		$2 ~ /^\/(var|run)\/log\/journal/ && $1 ~ /^[zZdDfFvq]/ {
			m = $3; sub(/^[~:]+/, "", m)
			max = ($2 ~ /\.journal$/) ? "0640" : "2755"
			ok = 1
			if (m != "-" && m ~ /^[0-7]+$/ && bad(m, max)) ok = 0
			if (NF >= 4 && $4 != "-" && $4 != "root") ok = 0
			if (NF >= 5 && $5 != "-" && $5 != "root" && $5 != "systemd-journal") ok = 0
			printf "%s: %s %s (%s)\n", f, $2, $3 " " $4 " " $5, ok ? "ok" : "too open, want " max " root systemd-journal"
			if (!ok) rc = 1
		}
		END { exit rc }' "$_tf"
}

# log_single_check: only the chosen logger is enabled.
log_single_check() {
	h_say "log_logger=$P_log_logger"
	if [ "$P_log_logger" = rsyslog ]; then
		_lrc=0
		svc_enabled rsyslog.service || _lrc=1
		svc_not_enabled syslog-ng.service || _lrc=1
		return $_lrc
	fi
	_lrc=0
	svc_enabled systemd-journald.service || _lrc=1
	svc_not_enabled rsyslog.service syslog-ng.service || _lrc=1
	return $_lrc
}

log_single_fix() {
	if [ "$P_log_logger" = rsyslog ]; then
		svc_enable rsyslog.service
		_others=syslog-ng.service
	else
		systemctl unmask systemd-journald.service
		_others="rsyslog.service syslog-ng.service"
	fi
	for _u in $_others; do
		if unit_exists "$_u"; then systemctl disable "$_u" && h_say "disabled $_u (log_logger=$P_log_logger)"; fi
	done
}

# log_upload_value KEY: [Upload] KEY of journal-upload.conf and its drop-ins.
log_upload_value() {
	# shellcheck disable=SC2046
	awk -v k="$1" '
		/^[ \t]*[#;]/ { next }
		/^[ \t]*\[/ { next }
		{ i = index($0, "="); if (i == 0) next
		  n = substr($0, 1, i - 1); gsub(/[ \t]/, "", n); if (n != k) next
		  v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v) }
		END { if (v != "") print v }' $(ls /etc/systemd/journal-upload.conf /etc/systemd/journal-upload.conf.d/*.conf 2>/dev/null) /dev/null
}

# log_upload_url: print the URL the upload will use (configured, or the
# parameter); fails when there is none.
log_upload_url() {
	_u=$(log_upload_value URL)
	[ -n "$_u" ] || _u=$P_journald_upload_url
	[ -n "$_u" ] && printf '%s\n' "$_u"
}

log_upload_check() {
	_cur=$(log_upload_value URL)
	if [ -z "$_cur" ] && [ -z "$P_journald_upload_url" ]; then
		h_say 'no URL in journal-upload.conf and parameter journald_upload_url is empty: set it to your systemd-journal-remote server'
		return 3
	fi
	_lrc=0
	if [ -n "$P_journald_upload_url" ] && [ "$_cur" != "$P_journald_upload_url" ]; then
		h_say "URL=${_cur:-(not set)}, want $P_journald_upload_url"
		_lrc=1
	else
		h_say "URL=$_cur"
	fi
	for _k in ServerKeyFile ServerCertificateFile TrustedCertificateFile; do
		_v=$(log_upload_value "$_k")
		if [ -z "$_v" ]; then
			h_say "$_k is not set"
			_lrc=1
		elif [ -e "$_v" ]; then
			h_say "$_k=$_v (present)"
		else
			h_say "$_k=$_v (not in the image yet: provide it before the first boot)"
		fi
	done
	return $_lrc
}

log_upload_fix() {
	[ -n "$P_journald_upload_url" ] || { h_say 'journald_upload_url is empty: nothing to configure'; return 0; }
	_f=/etc/systemd/journal-upload.conf
	[ -f "$_f" ] || printf '[Upload]\n' >"$_f"
	grep -q '^[ \t]*\[Upload\]' "$_f" || printf '[Upload]\n' >>"$_f"
	kv_set "$_f" URL "$P_journald_upload_url" =
	[ -n "$(log_upload_value ServerKeyFile)" ] || kv_set "$_f" ServerKeyFile "$P_journald_upload_key" =
	[ -n "$(log_upload_value ServerCertificateFile)" ] || kv_set "$_f" ServerCertificateFile "$P_journald_upload_cert" =
	[ -n "$(log_upload_value TrustedCertificateFile)" ] || kv_set "$_f" TrustedCertificateFile "$P_journald_upload_trust" =
	chmod 0644 "$_f"
}

# ---- rsyslog ------------------------------------------------------------------
log_rs_files() { ls /etc/rsyslog.conf /etc/rsyslog.d/*.conf 2>/dev/null; }

# log_rs_active: active (uncommented) lines of the rsyslog configuration,
# prefixed by their file.
log_rs_active() {
	# shellcheck disable=SC2046
	awk '/^[ \t]*#/ || /^[ \t]*$/ { next } { print FILENAME ": " $0 }' $(log_rs_files) /dev/null
}

log_rs_valid() {
	h_has rsyslogd || return 0
	rsyslogd -N1 >/dev/null 2>&1
}

log_rs_mode_check() {
	[ -f /etc/rsyslog.conf ] || { h_say "rsyslog is not installed"; return 1; }
	_m=$(log_rs_active | grep -Ei '\$FileCreateMode|fileCreateMode[ \t]*=')
	[ -n "$_m" ] || { h_say "no FileCreateMode set: rsyslog's default is 0644"; return 1; }
	printf '%s\n' "$_m"
	_lrc=0
	for _v in $(printf '%s\n' "$_m" | sed -E 's/.*[Ff]ile[Cc]reate[Mm]ode[ \t]*=?[ \t]*"?([0-7]+).*/\1/'); do
		[ $((0$_v & 0137)) = 0 ] || { h_say "mode $_v is more permissive than 0640"; _lrc=1; }
	done
	return $_lrc
}

log_rs_mode_fix() {
	for _f in $(log_rs_files); do
		awk '
			/^[ \t]*#/ { print; next }
			/^[ \t]*\$FileCreateMode[ \t]/ { m = $2; if (m !~ /^0?[0246][04]0$/) { print "$FileCreateMode 0640"; next } }
			{ print }' "$_f" >"$_f.hardening.tmp" && cat "$_f.hardening.tmp" >"$_f" && rm -f "$_f.hardening.tmp"
		sed -i -E '/^[ \t]*#/! s/(fileCreateMode[ \t]*=[ \t]*")[0-7]+(")/\10640\2/I' "$_f"
	done
	if ! log_rs_active | grep -Eqi '\$FileCreateMode|fileCreateMode[ \t]*='; then
		{ printf '$FileCreateMode 0640\n'; cat /etc/rsyslog.conf; } >/etc/rsyslog.conf.hardening.tmp &&
			cat /etc/rsyslog.conf.hardening.tmp >/etc/rsyslog.conf && rm -f /etc/rsyslog.conf.hardening.tmp
	fi
	log_rs_mode_check
}

log_rs_remote_check() {
	[ -f /etc/rsyslog.conf ] || { h_say "rsyslog is not installed"; return 1; }
	_fw=$(log_rs_active | grep -Ei 'omfwd|[^a-z]@@?[a-z0-9\[]')
	if [ -z "$P_rsyslog_remote" ]; then
		[ -n "$_fw" ] && { printf '%s\n' "$_fw"; return 0; }
		h_say 'no forwarding rule and parameter rsyslog_remote is empty: set it to your log host'
		return 3
	fi
	_host=${P_rsyslog_remote%:*}
	printf '%s\n' "$_fw" | grep -F -- "$_host" && return 0
	h_say "no rule forwards to $P_rsyslog_remote"
	return 1
}

log_rs_remote_fix() {
	[ -n "$P_rsyslog_remote" ] || { h_say 'rsyslog_remote is empty: nothing to configure'; return 0; }
	_host=${P_rsyslog_remote%:*} _port=514
	case $P_rsyslog_remote in *:*) _port=${P_rsyslog_remote##*:} ;; esac
	_f=/etc/rsyslog.d/90-hardening-remote.conf
	printf '# Written by packer-plugin-hardening: forward everything to the log host.\n*.* action(type="omfwd" target="%s" port="%s" protocol="tcp" action.resumeRetryCount="100" queue.type="LinkedList" queue.size="1000")\n' "$_host" "$_port" >"$_f"
	chmod 0644 "$_f"
	if ! log_rs_valid; then rm -f "$_f"; h_say "rsyslogd -N1 rejected the forwarding rule for $P_rsyslog_remote"; return 1; fi
	h_say "wrote $_f ($_host:$_port, TCP)"
}

LOG_RS_LISTEN='imtcp|imudp|imrelp|InputTCPServerRun|UDPServerRun|InputUDPServerRun|InputRELPServerRun'

log_rs_listen_check() {
	[ -f /etc/rsyslog.conf ] || { h_say "rsyslog is not installed"; return 0; }
	_l=$(log_rs_active | grep -E "$LOG_RS_LISTEN")
	[ -z "$_l" ] && { h_say "no network input in the rsyslog configuration"; return 0; }
	printf '%s\n' "$_l"
	return 1
}

log_rs_listen_fix() {
	for _f in $(log_rs_files); do
		cp -p "$_f" "$_f.hardening.bak"
		sed -i -E "/^[ \t]*#/! { /$LOG_RS_LISTEN/ s/^/# disabled by packer-plugin-hardening: / }" "$_f"
	done
	if ! log_rs_valid; then
		for _f in $(log_rs_files); do mv "$_f.hardening.bak" "$_f"; done
		h_say "rsyslogd -N1 rejected the result (multi-line input block?): restored; edit the configuration by hand"
		return 1
	fi
	for _f in $(log_rs_files); do rm -f "$_f.hardening.bak"; done
	log_rs_listen_check
}

log_logrotate_check() {
	_lrc=0
	pkg_installed logrotate || _lrc=1
	if [ -f /etc/logrotate.d/rsyslog ]; then h_say "/etc/logrotate.d/rsyslog exists"; else h_say "no /etc/logrotate.d/rsyslog"; _lrc=1; fi
	if unit_exists logrotate.timer; then
		svc_enabled logrotate.timer || _lrc=1
	elif [ -x /etc/cron.daily/logrotate ]; then
		h_say "/etc/cron.daily/logrotate runs it"
	else
		h_say "nothing runs logrotate"; _lrc=1
	fi
	return $_lrc
}

# ---- /var/log --------------------------------------------------------------------
# log_varlog_scan: one walk of /var/log; prints "path<TAB>mode<TAB>owner<TAB>group<TAB>why"
# with the corrected values for each file outside what CIS expects.
log_varlog_scan() {
	_umin=$(awk '/^[ \t]*UID_MIN[ \t]/ { v = $2 } END { print (v + 0 ? v : 1000) }' /etc/login.defs 2>/dev/null)
	# system accounts (uid < UID_MIN) may own their service's logs: taking
	# them away would stop the service logging (postgres, www-data, _chrony...).
	_svc=$(awk -F: -v m="${_umin:-1000}" '$3 > 0 && $3 < m { printf "%s ", $1 }' /etc/passwd)
	_adm=root
	getent group adm >/dev/null 2>&1 && _adm=adm
	_utmp=root
	getent group utmp >/dev/null 2>&1 && _utmp=utmp
	find /var/log -xdev -type f -exec stat -c '%a	%U	%G	%u	%g	%n' {} + 2>/dev/null | awk -F'\t' -v svc=" $_svc" -v adm="$_adm" -v utmp="$_utmp" '
		function fixmode(m, max,   i, a, b, bit, out, d) {
			while (length(m) < 4) m = "0" m
			out = ""
			for (i = 1; i <= 4; i++) {
				a = substr(m, i, 1) + 0; b = substr(max, i, 1) + 0; d = 0
				for (bit = 4; bit >= 1; bit /= 2)
					if (int(a / bit) % 2 == 1 && int(b / bit) % 2 == 1) d += bit
				out = out d
			}
			return out
		}
		function inlist(x, l) { return index(" " l " ", " " x " ") > 0 }
		{
			mode = $1; own = $2; grp = $3; path = $6
			# systemd DynamicUser ids have no passwd entry: keep them
			if (own == "UNKNOWN" && $4 >= 61184 && $4 <= 65519) own = "dynamic"
			if (grp == "UNKNOWN" && $5 >= 61184 && $5 <= 65519) grp = "dynamic"
			n = split(path, parts, "/"); base = parts[n]
			if (base ~ /^(lastlog|wtmp|btmp)([.-].*)?$/ || base == "README") {
				max = "0664"; owners = "root"; groups = "root utmp"; fo = "root"; fg = utmp
			} else if (base ~ /^(secure|auth\.log|syslog|messages)([.-].*)?$/) {
				max = "0640"; owners = "root syslog"; groups = "root adm"; fo = "root"; fg = adm
			} else if (path ~ /\/(sssd|SSSD)\//) {
				max = "0660"; owners = "root sssd SSSD"; groups = "root sssd SSSD"; fo = "root"; fg = "root"
			} else if (path ~ /\/gdm3?\//) {
				max = "0660"; owners = "root"; groups = "root gdm gdm3"; fo = "root"; fg = "root"
			} else if (base ~ /\.journal~?$/) {
				max = "0640"; owners = "root"; groups = "root systemd-journal"; fo = "root"; fg = "systemd-journal"
			} else {
				max = "0640"; owners = "root syslog"; groups = "root adm"; fo = "root"; fg = adm
				if (inlist(own, svc)) { owners = owners " " own; groups = groups " " own }
				if (own == "dynamic") { owners = owners " dynamic"; groups = groups " dynamic" }
			}
			nm = fixmode(mode, max); why = ""
			if (nm + 0 != mode + 0) why = why " mode " mode ">" max
			no = "-"; ng = "-"
			if (!inlist(own, owners)) { no = fo; why = why " owner " (own == "UNKNOWN" ? $4 : own) }
			if (!inlist(grp, groups)) { ng = fg; why = why " group " (grp == "UNKNOWN" ? $5 : grp) }
			if (why != "") printf "%s\t%s\t%s\t%s\t%s\n", path, nm, no, ng, why
			total++
		}
		END { printf "#\t%d\n", total }'
}

log_varlog_check() {
	_out=$(log_varlog_scan)
	_n=$(printf '%s\n' "$_out" | awk -F'\t' '$1 == "#" { print $2 }')
	_bad=$(printf '%s\n' "$_out" | grep -vc '^#	')
	h_say "/var/log: ${_n:-0} files, $_bad outside what CIS expects"
	printf '%s\n' "$_out" | awk -F'\t' '$1 != "#" && n++ < 40 { print $1 ":" $5 }'
	[ "$_bad" = 0 ]
}

log_varlog_fix() {
	log_varlog_scan | while IFS='	' read -r _p _m _o _g _why; do
		[ "$_p" = "#" ] && continue
		chmod "$_m" "$_p"
		[ "$_o" = - ] || chown "$_o" "$_p"
		[ "$_g" = - ] || chgrp "$_g" "$_p"
		h_say "$_p: now $(stat -c '%a %U:%G' "$_p") (was$_why)"
	done
}

# ---- auditd: kernel command line -----------------------------------------------
AUDIT_GRUB_DROPIN=/etc/default/grub.d/99-hardening-audit.cfg

# audit_grub_defaults: the kernel arguments /etc/default/grub and grub.d give.
audit_grub_defaults() {
	(
		GRUB_CMDLINE_LINUX= GRUB_CMDLINE_LINUX_DEFAULT=
		{
			[ -f /etc/default/grub ] && . /etc/default/grub
			for _f in /etc/default/grub.d/*.cfg; do [ -f "$_f" ] && . "$_f"; done
		} >/dev/null 2>&1
		printf '%s %s\n' "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"
	)
}

# audit_arg_ok NAME WANT MODE ARGS...: the last NAME= in ARGS equals WANT
# (MODE min: is at least WANT).
audit_arg_ok() {
	_n=$1 _w=$2 _md=$3
	shift 3
	_got=
	for _a in "$@"; do case $_a in "$_n="*) _got=${_a#*=} ;; esac; done
	[ -n "$_got" ] || return 1
	if [ "$_md" = min ]; then
		case $_got in *[!0-9]*) return 1 ;; esac
		[ "$_got" -ge "$_w" ]
	else
		[ "$_got" = "$_w" ]
	fi
}

# audit_boot_arg_check NAME VALUE [min]
audit_boot_arg_check() {
	_lrc=0
	_grubcfg=
	for _f in /boot/grub/grub.cfg /boot/grub2/grub.cfg; do [ -f "$_f" ] && { _grubcfg=$_f; break; }; done
	# shellcheck disable=SC2046
	if audit_arg_ok "$1" "$2" "${3:-eq}" $(audit_grub_defaults); then
		h_say "grub defaults give $1=$2${3:+ or more}"
	else
		h_say "grub defaults (/etc/default/grub, grub.d) do not give $1=$2${3:+ or more}"
		_lrc=1
	fi
	if [ -n "$_grubcfg" ]; then
		_bad=0 _cnt=0
		_lines=$(grep -E '^[[:space:]]*linux(efi)?[[:space:]]' "$_grubcfg")
		while read -r _l; do
			[ -n "$_l" ] || continue
			_cnt=$((_cnt + 1))
			# shellcheck disable=SC2086
			audit_arg_ok "$1" "$2" "${3:-eq}" $_l || _bad=$((_bad + 1))
		done <<EOF
$_lines
EOF
		h_say "$_grubcfg: $_bad of $_cnt kernel entries lack $1=$2${3:+ or more}"
		[ "$_bad" = 0 ] && [ "$_cnt" -gt 0 ] || _lrc=1
	else
		h_say "no grub.cfg in the image: the bootloader installed later must read /etc/default/grub.d"
	fi
	if [ -f /etc/kernel/cmdline ]; then
		# shellcheck disable=SC2046
		if audit_arg_ok "$1" "$2" "${3:-eq}" $(cat /etc/kernel/cmdline); then h_say "/etc/kernel/cmdline has it"; else h_say "/etc/kernel/cmdline lacks it"; _lrc=1; fi
	fi
	return $_lrc
}

# audit_boot_arg_set NAME VALUE: our grub.d drop-in appends NAME=VALUE to
# GRUB_CMDLINE_LINUX; grub.cfg is regenerated when grub is installed.
audit_boot_arg_set() {
	mkdir -p /etc/default/grub.d
	[ -f "$AUDIT_GRUB_DROPIN" ] || printf '# Written by packer-plugin-hardening: kernel arguments for auditing.\n' >"$AUDIT_GRUB_DROPIN"
	grep -v "[ \"]$1=" "$AUDIT_GRUB_DROPIN" >"$AUDIT_GRUB_DROPIN.tmp" || true
	printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX %s=%s"\n' "$1" "$2" >>"$AUDIT_GRUB_DROPIN.tmp"
	chmod 0644 "$AUDIT_GRUB_DROPIN.tmp" && mv "$AUDIT_GRUB_DROPIN.tmp" "$AUDIT_GRUB_DROPIN"
	h_say "wrote $1=$2 to $AUDIT_GRUB_DROPIN"
	# shellcheck disable=SC2046
	if ! audit_arg_ok "$1" "$2" eq $(audit_grub_defaults); then
		# GRUB_CMDLINE_LINUX_DEFAULT comes later on the command line: repeat it there.
		printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT %s=%s"\n' "$1" "$2" >>"$AUDIT_GRUB_DROPIN"
		h_say "GRUB_CMDLINE_LINUX_DEFAULT sets another $1: repeated $1=$2 there"
	fi
	if [ -f /etc/kernel/cmdline ]; then
		_c=$(tr ' ' '\n' </etc/kernel/cmdline | grep -v "^$1=" | tr '\n' ' ')
		printf '%s%s=%s\n' "$_c" "$1" "$2" >/etc/kernel/cmdline
		h_say "added $1=$2 to /etc/kernel/cmdline"
	fi
	if [ -f /boot/grub/grub.cfg ] && h_has update-grub; then
		update-grub >/dev/null 2>&1 && h_say "ran update-grub"
	else
		h_say "grub is not installed: grub.cfg not regenerated (the bootloader must use /etc/default/grub.d)"
	fi
}

# ---- auditd: auditd.conf ------------------------------------------------------------
audit_conf_value() { kv_value /etc/audit/auditd.conf "$1"; }

# audit_conf_is KEY WANT [ACCEPTED...]: pass when KEY is WANT or, when a
# list is given, any accepted value.
audit_conf_is() {
	[ -f /etc/audit/auditd.conf ] || { h_say "no /etc/audit/auditd.conf (auditd is not installed)"; return 1; }
	_k=$1 _w=$2
	shift 2
	_v=$(audit_conf_value "$_k" | tr A-Z a-z)
	h_say "auditd.conf $_k = ${_v:-(not set)}"
	[ $# -gt 0 ] || set -- "$_w"
	for _a in "$@"; do [ "$_v" = "$_a" ] && return 0; done
	return 1
}

audit_conf_set() { kv_set /etc/audit/auditd.conf "$1" "$2" " = "; }

# ---- auditd: rules ----------------------------------------------------------------
AUDIT_RULES_D=/etc/audit/rules.d

audit_uid_min() {
	_u=$(awk '/^[ \t]*UID_MIN[ \t]/ { v = $2 } END { print v }' /etc/login.defs 2>/dev/null)
	echo "${_u:-1000}"
}

# audit_arches: "arch:table" pairs for the image (not the build host).
audit_arches() {
	case $(dpkg --print-architecture 2>/dev/null) in
	amd64) echo "b64:x86_64 b32:i386" ;;
	arm64) echo "b64:aarch64 b32:arm" ;;
	i386) echo "b32:i386" ;;
	armhf | armel) echo "b32:arm" ;;
	*) echo "b64: b32:" ;;
	esac
}

# audit_sys TABLE LIST: the syscalls of LIST the table knows (all of LIST
# when ausyscall is not available), comma separated.
audit_sys() {
	if [ -z "$1" ] || ! h_has ausyscall; then printf '%s' "$2"; return 0; fi
	_c="${H_WORK:-/tmp}/ausyscall.$1"
	[ -s "$_c" ] || ausyscall "$1" --dump 2>/dev/null | awk 'NF == 2 && $1 ~ /^[0-9]+$/ { print $2 }' >"$_c"
	printf '%s' "$2" | tr ',' '\n' | grep -Fxf "$_c" | paste -sd, -
}

# audit_sc SYSCALLS REST: one rule per architecture of the image.
audit_sc() {
	for _ar in $(audit_arches); do
		_s=$(audit_sys "${_ar#*:}" "$1")
		[ -n "$_s" ] && printf '%s\n' "-a always,exit -F arch=${_ar%%:*} -S $_s $2"
	done
	return 0
}

# audit_sudo_log: the file sudo logs to (Defaults logfile=), or the CIS one.
audit_sudo_log() {
	_s=$(cat /etc/sudoers /etc/sudoers.d/* 2>/dev/null | grep -E '^[[:space:]]*Defaults.*logfile[[:space:]]*=' |
		sed -E 's/.*logfile[[:space:]]*=[[:space:]]*"?([^",[:space:]]+).*/\1/' | tail -n 1)
	echo "${_s:-/var/log/sudo.log}"
}

# audit_priv_files: setuid and setgid files on the image's local filesystems.
audit_priv_files() {
	_c="${H_WORK:-/tmp}/audit-priv.$(stat -c %Y /var/lib/dpkg/status 2>/dev/null)"
	if ! [ -f "$_c" ]; then
		_roots=/
		if [ "${H_CHROOT:-1}" = 0 ] && h_has findmnt; then
			_roots=$(findmnt -n -l -o TARGET,OPTIONS -t ext2,ext3,ext4,xfs,btrfs,f2fs,jfs,zfs | awk '$2 !~ /(^|,)(nosuid|noexec)(,|$)/ { print $1 }')
		fi
		# shellcheck disable=SC2086
		find $_roots -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run \) -prune -o \
			-type f \( -perm -4000 -o -perm -2000 \) -print 2>/dev/null | sort -u >"$_c"
	fi
	cat "$_c"
}

# audit_expect TOPIC: the rules CIS wants for TOPIC on this image.
audit_expect() {
	_um=$(audit_uid_min)
	_usr="-F auid>=$_um -F auid!=unset"
	case $1 in
	scope)
		printf '%s\n' "-w /etc/sudoers -p wa -k scope" "-w /etc/sudoers.d -p wa -k scope" ;;
	user_emulation)
		audit_sc execve "-C euid!=uid -F auid!=unset -k user_emulation" ;;
	sudo_log)
		echo "-w $(audit_sudo_log) -p wa -k sudo_log_file" ;;
	time_change)
		audit_sc adjtimex,settimeofday "-k time-change"
		audit_sc clock_settime "-F a0=0x0 -k time-change"
		echo "-w /etc/localtime -p wa -k time-change" ;;
	network)
		audit_sc sethostname,setdomainname "-k system-locale"
		for _p in /etc/issue /etc/issue.net /etc/hosts /etc/hostname /etc/networks /etc/network /etc/netplan; do
			echo "-w $_p -p wa -k system-locale"
		done ;;
	privileged)
		audit_priv_files | while read -r _p; do echo "-a always,exit -F path=$_p -F perm=x $_usr -k privileged"; done ;;
	access)
		audit_sc creat,open,openat,truncate,ftruncate "-F exit=-EACCES $_usr -k access"
		audit_sc creat,open,openat,truncate,ftruncate "-F exit=-EPERM $_usr -k access" ;;
	identity)
		for _p in /etc/group /etc/passwd /etc/gshadow /etc/shadow /etc/security/opasswd /etc/nsswitch.conf /etc/pam.conf /etc/pam.d; do
			echo "-w $_p -p wa -k identity"
		done ;;
	perm_mod)
		audit_sc chmod,fchmod,fchmodat "$_usr -k perm_mod"
		audit_sc chown,fchown,lchown,fchownat "$_usr -k perm_mod"
		audit_sc setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr "$_usr -k perm_mod" ;;
	mounts)
		audit_sc mount "$_usr -k mounts" ;;
	session)
		printf '%s\n' "-w /var/run/utmp -p wa -k session" "-w /var/log/wtmp -p wa -k session" "-w /var/log/btmp -p wa -k session" ;;
	logins)
		printf '%s\n' "-w /var/log/lastlog -p wa -k logins" "-w /var/run/faillock -p wa -k logins" ;;
	delete)
		audit_sc unlink,unlinkat,rename,renameat "$_usr -k delete" ;;
	mac_policy)
		printf '%s\n' "-w /etc/apparmor -p wa -k MAC-policy" "-w /etc/apparmor.d -p wa -k MAC-policy" ;;
	chcon | setfacl | chacl)
		echo "-a always,exit -F path=/usr/bin/$1 -F perm=x $_usr -k perm_chng" ;;
	usermod)
		echo "-a always,exit -F path=/usr/sbin/usermod -F perm=x $_usr -k usermod" ;;
	kernel_modules)
		audit_sc init_module,finit_module,delete_module,create_module,query_module "$_usr -k kernel_modules"
		echo "-a always,exit -F path=/usr/bin/kmod -F perm=x $_usr -k kernel_modules" ;;
	immutable)
		echo "-e 2" ;;
	esac
}

audit_rules_file() {
	case $1 in
	immutable) echo "$AUDIT_RULES_D/99-zz-hardening-finalize.rules" ;;
	*) echo "$AUDIT_RULES_D/60-hardening-$(echo "$1" | tr _ -).rules" ;;
	esac
}

# audit_covered: reads wanted rules on stdin; pass when each is covered by
# the active rules of rules.d (same action and filters, whatever the key,
# the order of fields or the split of syscalls over lines; watches with at
# least the wanted permissions).
audit_covered() {
	_want="${H_WORK:-/tmp}/audit-want.$$"
	cat >"$_want"
	# shellcheck disable=SC2046
	awk -v wf="$_want" '
		function canon(line,   n, t, i, f, k, fl, a, j, tmp) {
			C_act = ""; C_sys = ""; C_w = ""; C_p = ""; fl = ""; k = 0
			gsub(/^[ \t]+|[ \t]+$/, "", line)
			n = split(line, t, /[ \t]+/)
			for (i = 1; i <= n; i++) {
				if (t[i] == "-a" || t[i] == "-A") { C_act = t[++i]; if (C_act == "exit,always") C_act = "always,exit" }
				else if (t[i] == "-S") C_sys = C_sys "," t[++i]
				else if (t[i] == "-F" || t[i] == "-C") {
					f = t[++i]
					if (f ~ /^(key|k)=/) continue
					sub(/^auid!=(-1|4294967295)$/, "auid!=unset", f)
					a[++k] = (t[i - 1] == "-C" ? "C:" : "") f
				}
				else if (t[i] == "-k") i++
				else if (t[i] == "-w") { C_w = t[++i]; sub(/\/+$/, "", C_w) }
				else if (t[i] == "-p") C_p = t[++i]
			}
			for (i = 2; i <= k; i++) { tmp = a[i]; for (j = i - 1; j >= 1 && a[j] > tmp; j--) a[j + 1] = a[j]; a[j + 1] = tmp }
			for (i = 1; i <= k; i++) fl = fl " " a[i]
			C_key = C_act "|" fl
		}
		FILENAME == wf {
			if ($0 !~ /^[ \t]*$/) want[++nw] = $0
			next
		}
		/^[ \t]*#/ { next }
		/^[ \t]*-[aAw][ \t]/ {
			canon($0)
			if (C_w != "") { W[C_w] = W[C_w] C_p; next }
			if (C_sys == "") NOSYS[C_key] = 1
			else SYS[C_key] = SYS[C_key] C_sys ","
		}
		END {
			for (r = 1; r <= nw; r++) {
				canon(want[r]); ok = 1
				if (C_w != "") {
					for (i = 1; i <= length(C_p); i++) if (index(W[C_w], substr(C_p, i, 1)) == 0) ok = 0
				} else if (C_sys == "") {
					ok = (C_key in NOSYS)
				} else {
					ns = split(substr(C_sys, 2), s, ",")
					for (i = 1; i <= ns; i++) if (index("," SYS[C_key], "," s[i] ",") == 0) ok = 0
				}
				if (ok) good++
				else { bad++; if (bad <= 25) print "missing: " want[r] }
			}
			printf "%d of %d wanted rules present in /etc/audit/rules.d\n", good, nw
			exit bad > 0
		}' "$_want" $(ls "$AUDIT_RULES_D"/*.rules 2>/dev/null)
	_arc=$?
	rm -f "$_want"
	return $_arc
}

audit_rules_check() {
	[ -d "$AUDIT_RULES_D" ] || { h_say "no $AUDIT_RULES_D (auditd is not installed)"; return 1; }
	_exp=$(audit_expect "$1")
	[ -n "$_exp" ] || { h_say "no rule applies to this image"; return 0; }
	printf '%s\n' "$_exp" | audit_covered
}

# audit_regen: compile rules.d into /etc/audit/audit.rules; never loads them.
audit_regen() {
	h_has augenrules || { h_say "augenrules is not installed"; return 1; }
	augenrules
}

# audit_rules_write TOPIC: our file for TOPIC holds exactly the wanted rules.
audit_rules_write() {
	mkdir -p "$AUDIT_RULES_D"
	_f=$(audit_rules_file "$1")
	{
		printf '## Written by packer-plugin-hardening (%s). Loaded by auditd at boot.\n' "$1"
		audit_expect "$1"
	} >"$_f.tmp"
	chmod 0640 "$_f.tmp" && mv "$_f.tmp" "$_f"
	h_say "wrote $_f ($(grep -c '^-' "$_f") rules)"
	audit_regen >/dev/null
}

audit_immutable_check() {
	[ -d "$AUDIT_RULES_D" ] || { h_say "no $AUDIT_RULES_D (auditd is not installed)"; return 1; }
	_e=
	for _f in $(ls -1v "$AUDIT_RULES_D" | grep '\.rules$'); do
		_l=$(grep -E '^[[:space:]]*-e[[:space:]]' "$AUDIT_RULES_D/$_f" | tail -n 1)
		[ -n "$_l" ] && _e="$_f: $_l"
	done
	h_say "last -e: ${_e:-none}"
	case ${_e#*: } in *"-e 2"*) return 0 ;; esac
	return 1
}

audit_loaded_check() {
	h_has augenrules || { h_say "augenrules is not installed"; return 1; }
	_lrc=0
	_o=$(augenrules --check 2>&1)
	h_say "$_o"
	case $_o in *"No change"*) ;; *) _lrc=1 ;; esac
	# shellcheck disable=SC2046
	if cat $(ls /etc/systemd/system/auditd.service /usr/lib/systemd/system/auditd.service /lib/systemd/system/auditd.service \
		/etc/systemd/system/auditd.service.d/*.conf /usr/lib/systemd/system/auditd.service.d/*.conf 2>/dev/null) /dev/null | grep -Eq '^ExecStart(Post)?=.*(augenrules[[:space:]]+--load|auditctl[[:space:]]+-R)'; then
		h_say "auditd.service loads the compiled rules at start"
	else
		h_say "auditd.service does not load /etc/audit/audit.rules at start"
		_lrc=1
	fi
	return $_lrc
}

# ---- auditd: files -------------------------------------------------------------------
audit_logdir() {
	_lf=$(audit_conf_value log_file)
	_lf=${_lf:-/var/log/audit/audit.log}
	echo "${_lf%/*}"
}

# audit_logfiles_check WHAT: mode, owner, group or dir.
audit_logfiles_check() {
	[ -f /etc/audit/auditd.conf ] || { h_say "auditd is not installed"; return 1; }
	_d=$(audit_logdir)
	[ -d "$_d" ] || { h_say "$_d does not exist yet (auditd creates it)"; return 0; }
	_lrc=0
	case $1 in
	dir) file_mode "$_d" 0750 || _lrc=1 ;;
	group)
		_g=$(audit_conf_value log_group)
		h_say "auditd.conf log_group = ${_g:-root (default)}"
		case ${_g:-root} in root | adm) ;; *) _lrc=1 ;; esac
		;;
	esac
	[ "$1" = dir ] && return $_lrc
	_n=0
	for _f in "$_d"/*; do
		[ -f "$_f" ] || continue
		_n=$((_n + 1))
		case $1 in
		mode) file_mode "$_f" 0640 || _lrc=1 ;;
		owner) file_mode "$_f" 7777 root || _lrc=1 ;;
		group) file_mode "$_f" 7777 - root || file_mode "$_f" 7777 - adm >/dev/null || _lrc=1 ;;
		esac
	done
	[ $_n -gt 0 ] || h_say "no audit log files in $_d yet"
	return $_lrc
}

audit_logfiles_fix() {
	_d=$(audit_logdir)
	case $1 in
	dir) file_fix_mode "$_d" 0750; return 0 ;;
	group)
		case $(audit_conf_value log_group) in root | adm | "") ;; *) audit_conf_set log_group adm ;; esac
		;;
	esac
	for _f in "$_d"/*; do
		[ -f "$_f" ] || continue
		case $1 in
		mode) file_fix_mode "$_f" 0640 ;;
		owner) file_fix_mode "$_f" 7777 root ;;
		group) file_mode "$_f" 7777 - root >/dev/null || file_mode "$_f" 7777 - adm >/dev/null || file_fix_mode "$_f" 7777 - root ;;
		esac
	done
}

# audit_stat_check MAXMODE OWNER GROUP FILE...: one stat for all files; prints
# each with its verdict (OWNER/GROUP "-": any).
audit_stat_check() {
	_mx=$1 _ow=$2 _gr=$3
	shift 3
	[ $# -gt 0 ] || return 0
	stat -c '%a %U %G %n' "$@" | awk -v mx="$_mx" -v ow="$_ow" -v gr="$_gr" '
		function bad(m, max,   i, a, b, bit) {
			while (length(m) < 4) m = "0" m
			for (i = 1; i <= 4; i++) {
				a = substr(m, i, 1) + 0; b = substr(max, i, 1) + 0
				for (bit = 4; bit >= 1; bit /= 2)
					if (int(a / bit) % 2 == 1 && int(b / bit) % 2 == 0) return 1
			}
			return 0
		}
		{
			v = ""
			if (bad($1, mx)) v = v " mode outside " mx
			if (ow != "-" && $2 != ow) v = v " owner not " ow
			if (gr != "-" && $3 != gr) v = v " group not " gr
			printf "%s: %s %s:%s%s\n", $4, $1, $2, $3, (v == "" ? "" : " (" substr(v, 2) ")")
			if (v != "") rc = 1
		}
		END { exit rc }'
}

# audit_conffiles WHAT check|fix: .conf and .rules files under /etc/audit.
audit_conffiles() {
	[ -d /etc/audit ] || { h_say "auditd is not installed"; [ "$2" = fix ]; return; }
	case $1 in mode) _a="0640 - -" ;; owner) _a="7777 root -" ;; group) _a="7777 - root" ;; esac
	_files=$(find /etc/audit -type f \( -name '*.conf' -o -name '*.rules' \) | sort)
	# shellcheck disable=SC2086
	if [ "$2" != fix ]; then audit_stat_check $_a $_files; return; fi
	for _f in $_files; do
		# shellcheck disable=SC2086
		audit_stat_check $_a "$_f" >/dev/null || file_fix_mode "$_f" $_a
	done
}

AUDIT_TOOLS="auditctl aureport ausearch autrace auditd augenrules"

# audit_tools WHAT check|fix
audit_tools() {
	case $1 in mode) _a="0755 - -" ;; owner) _a="7777 root -" ;; group) _a="7777 - root" ;; esac
	_files=
	for _t in $AUDIT_TOOLS; do [ -e "/sbin/$_t" ] && _files="$_files /sbin/$_t"; done
	[ -n "$_files" ] || { h_say "no audit tools in /sbin (auditd is not installed)"; [ "$2" = fix ]; return; }
	# shellcheck disable=SC2086
	if [ "$2" != fix ]; then audit_stat_check $_a $_files; return; fi
	for _f in $_files; do
		# shellcheck disable=SC2086
		audit_stat_check $_a "$_f" >/dev/null || file_fix_mode "$_f" $_a
	done
}

# ---- AIDE ---------------------------------------------------------------------------------
AIDE_INIT_UNIT=/etc/systemd/system/hardening-aide-init.service

aide_installed_check() {
	_lrc=0
	pkg_installed aide || _lrc=1
	pkg_installed aide-common || _lrc=1
	if [ -s /var/lib/aide/aide.db ]; then
		h_say "database /var/lib/aide/aide.db exists"
	elif [ "$P_aide_init" = first_boot ] && [ -f "$AIDE_INIT_UNIT" ] && svc_enabled hardening-aide-init.service; then
		h_say "no database yet: hardening-aide-init.service builds it at the first boot"
	else
		h_say "no database /var/lib/aide/aide.db (aide_init=$P_aide_init)"
		_lrc=1
	fi
	return $_lrc
}

aide_init_fix() {
	[ -s /var/lib/aide/aide.db ] && return 0
	case $P_aide_init in
	first_boot)
		cat >"$AIDE_INIT_UNIT" <<'EOF'
# Written by packer-plugin-hardening: build the AIDE database at the first
# boot of an instance (the condition skips it once the database exists).
[Unit]
Description=Build the AIDE database on first boot
ConditionPathExists=!/var/lib/aide/aide.db
After=local-fs.target

[Service]
Type=oneshot
ExecStart=/usr/sbin/aideinit --yes --force
Nice=19
IOSchedulingClass=idle
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
		chmod 0644 "$AIDE_INIT_UNIT"
		svc_enable hardening-aide-init.service
		;;
	build)
		h_say "running aideinit (this takes a while)"
		aideinit --yes --force >/dev/null 2>&1
		h_say "built /var/lib/aide/aide.db"
		;;
	none) h_say "aide_init=none: build the database yourself (aideinit)" ;;
	esac
}

aide_schedule_check() {
	if unit_exists dailyaidecheck.timer; then
		svc_enabled dailyaidecheck.timer && return 0
	fi
	if [ -f /etc/systemd/system/aidecheck.timer ]; then
		svc_enabled aidecheck.timer && return 0
	fi
	_cron=$(grep -lsE '(^|[[:space:]/])aide(\.wrapper)?[[:space:]].*--check|dailyaidecheck' /etc/crontab /etc/cron.d/* /etc/cron.daily/* /etc/cron.weekly/* /var/spool/cron/crontabs/* 2>/dev/null | head -n 3)
	[ -x /etc/cron.daily/aide ] && _cron="$_cron /etc/cron.daily/aide"
	if [ -n "$_cron" ] && ! unit_exists dailyaidecheck.timer; then
		h_say "cron jobs: $_cron"
		svc_enabled cron.service && return 0
	fi
	h_say "nothing runs aide --check regularly"
	return 1
}

aide_schedule_fix() {
	if unit_exists dailyaidecheck.timer; then svc_enable dailyaidecheck.timer; return 0; fi
	cat >/etc/systemd/system/aidecheck.service <<'EOF'
# Written by packer-plugin-hardening.
[Unit]
Description=AIDE filesystem integrity check
ConditionPathExists=/var/lib/aide/aide.db

[Service]
Type=oneshot
ExecStart=/usr/bin/aide --config /etc/aide/aide.conf --check
Nice=19
IOSchedulingClass=idle
EOF
	cat >/etc/systemd/system/aidecheck.timer <<'EOF'
# Written by packer-plugin-hardening.
[Unit]
Description=Daily AIDE filesystem integrity check

[Timer]
OnCalendar=*-*-* 05:00:00
RandomizedDelaySec=1h
Persistent=true
Unit=aidecheck.service

[Install]
WantedBy=timers.target
EOF
	chmod 0644 /etc/systemd/system/aidecheck.service /etc/systemd/system/aidecheck.timer
	svc_enable aidecheck.timer
}

AIDE_TOOL_ATTRS="p i n u g s b acl xattrs sha512"

aide_conf_files() { ls /etc/aide/aide.conf /etc/aide/aide.conf.d/* 2>/dev/null; }

aide_tools_check() {
	[ -f /etc/aide/aide.conf ] || { h_say "AIDE is not installed"; return 1; }
	# shellcheck disable=SC2046
	awk -v tools="$AUDIT_TOOLS" -v attrs="$AIDE_TOOL_ATTRS" '
		/^[ \t]*(\/usr)?\/sbin\/[a-z]+[ \t]/ { n = split($1, p, "/"); rule[p[n]] = $0 }
		END {
			nt = split(tools, t, " "); na = split(attrs, a, " ")
			for (i = 1; i <= nt; i++) {
				l = rule[t[i]]; miss = ""
				if (l == "") { print t[i] ": no rule"; rc = 1; continue }
				split(l, f, /[ \t]+/); if (f[1] == "") f[2] = f[3]
				for (j = 1; j <= na; j++) if (index("+" f[2] "+", "+" a[j] "+") == 0) miss = miss " " a[j]
				print t[i] ": " l (miss == "" ? "" : " (missing" miss ")")
				if (miss != "") rc = 1
			}
			exit rc
		}' $(aide_conf_files)
}

aide_tools_fix() {
	_dir=/sbin
	[ -L /sbin ] && _dir=/usr/sbin
	if [ -d /etc/aide/aide.conf.d ]; then _f=/etc/aide/aide.conf.d/99_hardening_audit_tools; else _f=/etc/aide/aide.conf; fi
	_ok_before=1
	h_has aide && aide --config-check --config /etc/aide/aide.conf >/dev/null 2>&1 || _ok_before=0
	[ -f "$_f" ] && cp -p "$_f" "$_f.hardening.bak"
	{
		[ "$_f" = /etc/aide/aide.conf ] && grep -vE "^[[:space:]]*(/usr)?/sbin/($(echo "$AUDIT_TOOLS" | tr ' ' '|'))[[:space:]]" /etc/aide/aide.conf
		[ "$_f" = /etc/aide/aide.conf ] || printf '# Written by packer-plugin-hardening: protect the audit tools.\n'
		for _t in $AUDIT_TOOLS; do printf '%s/%s p+i+n+u+g+s+b+acl+xattrs+sha512\n' "$_dir" "$_t"; done
	} >"$_f.tmp"
	chmod 0644 "$_f.tmp" && mv "$_f.tmp" "$_f"
	if [ $_ok_before = 1 ] && ! aide --config-check --config /etc/aide/aide.conf >/dev/null 2>&1; then
		if [ -f "$_f.hardening.bak" ]; then mv "$_f.hardening.bak" "$_f"; else rm -f "$_f"; fi
		h_say "aide --config-check rejected the rules: restored"
		return 1
	fi
	rm -f "$_f.hardening.bak"
	h_say "wrote the audit tool rules to $_f"
}
`
