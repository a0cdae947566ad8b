package cis

import "fmt"

// sectionAccess is CIS section 5: the SSH server, privilege escalation,
// PAM, and user accounts and environment. Build safety rules here: the build
// user's key login and passwordless sudo must survive every control.
var sectionAccess = Section{
	Name:     "5 Access control",
	Lib:      accessLib,
	Params:   accessParams,
	Controls: accessControls(),
}

// all3 places a control at the same number and levels in every benchmark
// (chapter 5 is numbered alike in all three).
func all3(id, lv string) string {
	return fmt.Sprintf("d12:%s:%s u22:%s:%s u24:%s:%s", id, lv, id, lv, id, lv)
}

// sshdEq is an sshd setting that must equal one value.
func sshdEq(rule, title, id, lv, key, value string) Control {
	return Control{
		Rule: rule, Title: title, CIS: all3(id, lv),
		Check:  fmt.Sprintf("sshd_is %s %s && s5_sshd_explicit %s", key, value, key),
		Fix:    fmt.Sprintf("sshd_set %s %s", key, value),
		Reboot: true,
		Pass:   fmt.Sprintf("sshd -T reports %s %s", key, value),
	}
}

// sshdMax is a numeric sshd setting that must be between 1 and a parameter.
func sshdMax(rule, title, id, key, param string) Control {
	return Control{
		Rule: rule, Title: title, CIS: all3(id, "s1w1"),
		Check:  fmt.Sprintf(`s5_sshd_range %s 1 "$P_%s" && s5_sshd_explicit %s`, key, param, key),
		Fix:    fmt.Sprintf(`sshd_set %s "$P_%s"`, key, param),
		Reboot: true,
		Pass:   fmt.Sprintf("sshd -T reports %s between 1 and the %s parameter", key, param),
	}
}

// pwq is a pwquality setting checked against a bound and set in our drop-in.
func pwq(rule, title, id, key, cmp, param string) Control {
	return Control{
		Rule: rule, Title: title, CIS: all3(id, "s1w1"),
		Check:   fmt.Sprintf(`pkg_installed libpam-pwquality >/dev/null || { h_say 'libpam-pwquality is not installed'; return 1; }; s5_pwq_cmp %s %s "$P_%s"`, key, cmp, param),
		Fix:     fmt.Sprintf(`s5_pwq_set %s "$P_%s"`, key, param),
		Install: "libpam-pwquality",
		Pass:    fmt.Sprintf("pwquality's effective %s is %s the %s parameter", key, cmp, param),
	}
}

var accessParams = []Param{
	{Name: "ssh_allow_users", Type: List, Doc: "AllowUsers for sshd. With all four ssh_allow/deny parameters empty, the access control is reported manual rather than guessed (a guess could lock out the build user or future cloud-init and OS Login users)."},
	{Name: "ssh_allow_groups", Type: List, Doc: "AllowGroups for sshd (see ssh_allow_users)."},
	{Name: "ssh_deny_users", Type: List, Doc: "DenyUsers for sshd (see ssh_allow_users)."},
	{Name: "ssh_deny_groups", Type: List, Doc: "DenyGroups for sshd (see ssh_allow_users)."},
	{Name: "ssh_ciphers", Type: String, Default: "aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr", Doc: "Ciphers sshd offers when the image's list contains a weak one. The default works with OpenSSH 8.9+ and Packer's SSH client."},
	{Name: "ssh_macs", Type: String, Default: "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256", Doc: "MACs sshd offers when the image's list contains a weak one."},
	{Name: "ssh_kex", Type: String, Default: "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256", Doc: "KexAlgorithms sshd offers when the image's list contains a weak one."},
	{Name: "ssh_client_alive_interval", Type: Int, Default: "15", Min: 1, Max: 3600, Doc: "sshd ClientAliveInterval in seconds."},
	{Name: "ssh_client_alive_count_max", Type: Int, Default: "3", Min: 1, Max: 100, Doc: "sshd ClientAliveCountMax."},
	{Name: "ssh_login_grace_time", Type: Int, Default: "60", Min: 1, Max: 60, Doc: "sshd LoginGraceTime in seconds."},
	{Name: "ssh_log_level", Type: Enum, Enum: []string{"INFO", "VERBOSE"}, Default: "INFO", Doc: "sshd LogLevel."},
	{Name: "ssh_max_auth_tries", Type: Int, Default: "4", Min: 1, Max: 4, Doc: "sshd MaxAuthTries."},
	{Name: "ssh_max_sessions", Type: Int, Default: "10", Min: 1, Max: 10, Doc: "sshd MaxSessions."},
	{Name: "ssh_max_startups", Type: String, Default: "10:30:60", Doc: "sshd MaxStartups (start:rate:full, each no higher than 10:30:60)."},
	{Name: "sudo_log_file", Type: String, Default: "/var/log/sudo.log", Doc: "The file sudo logs to (Defaults logfile)."},
	{Name: "sudo_timestamp_timeout", Type: Int, Default: "15", Min: 0, Max: 15, Doc: "Minutes sudo caches credentials (Defaults timestamp_timeout)."},
	{Name: "su_group", Type: String, Default: "sugroup", Doc: "The empty group pam_wheel requires for su; add users to it to let them use su. sudo is not affected."},
	{Name: "pam_faillock_deny", Type: Int, Default: "5", Min: 1, Max: 5, Doc: "Failed logins before pam_faillock locks an account."},
	{Name: "pam_faillock_unlock_time", Type: Int, Default: "900", Min: 0, Max: 86400, Doc: "Seconds a locked account stays locked (0: until an administrator unlocks it)."},
	{Name: "pam_faillock_root_unlock_time", Type: Int, Default: "60", Min: 60, Max: 86400, Doc: "Seconds root stays locked after failed logins (even_deny_root)."},
	{Name: "pwquality_difok", Type: Int, Default: "2", Min: 2, Max: 64, Doc: "Characters a new password must change (difok)."},
	{Name: "pwquality_minlen", Type: Int, Default: "14", Min: 14, Max: 128, Doc: "Minimum password length (minlen)."},
	{Name: "pwquality_minclass", Type: Int, Default: "4", Min: 1, Max: 4, Doc: "Character classes a password needs (minclass)."},
	{Name: "pwquality_maxrepeat", Type: Int, Default: "3", Min: 1, Max: 3, Doc: "Maximum identical consecutive characters (maxrepeat)."},
	{Name: "pwquality_maxsequence", Type: Int, Default: "3", Min: 1, Max: 3, Doc: "Maximum monotonic sequence length (maxsequence)."},
	{Name: "pwhistory_remember", Type: Int, Default: "24", Min: 24, Max: 400, Doc: "Previous passwords pam_pwhistory refuses (remember)."},
	{Name: "pass_max_days", Type: Int, Default: "365", Min: 1, Max: 365, Doc: "PASS_MAX_DAYS in login.defs, applied to existing users that have a password hash (never to key-only or locked accounts)."},
	{Name: "pass_min_days", Type: Int, Default: "1", Min: 1, Max: 365, Doc: "PASS_MIN_DAYS in login.defs, applied like pass_max_days."},
	{Name: "pass_warn_age", Type: Int, Default: "7", Min: 7, Max: 365, Doc: "PASS_WARN_AGE in login.defs, applied like pass_max_days."},
	{Name: "pass_inactive_days", Type: Int, Default: "45", Min: 0, Max: 45, Doc: "Days after password expiry before the account is disabled (useradd -D -f), applied like pass_max_days."},
	{Name: "shell_timeout", Type: Int, Default: "900", Min: 1, Max: 900, Doc: "TMOUT in seconds for interactive shells (readonly, in /etc/profile.d)."},
	{Name: "umask_default", Type: Enum, Enum: []string{"027", "077"}, Default: "027", Doc: "Default umask of users (login.defs UMASK and /etc/profile.d)."},
}

func accessControls() []Control {
	return []Control{
		// ---- 5.1 SSH server
		{
			Rule: "sshd_config_permissions", Title: "sshd_config and its drop-ins are 0600 root:root", CIS: all3("5.1.1", "s1w1"),
			Check: `sshd_installed || return 2
_rc=0
for _f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do [ -e "$_f" ] || continue; file_mode "$_f" 0600 root root || _rc=1; done
return $_rc`,
			Fix:  `for _f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do [ -e "$_f" ] && file_fix_mode "$_f" 0600 root root; done; true`,
			Pass: "no permission bit outside 0600 and owner root:root on every file",
		},
		{
			Rule: "sshd_private_host_keys_permissions", Title: "SSH private host keys are readable by root only", CIS: all3("5.1.2", "s1w1"),
			Check: `sshd_installed || return 2
_rc=0
for _f in /etc/ssh/ssh_host_*_key; do
	[ -e "$_f" ] || { h_say 'no host keys yet (generated at first boot)'; continue; }
	if [ "$(stat -c %G "$_f")" = ssh_keys ]; then file_mode "$_f" 0640 root ssh_keys || _rc=1; else file_mode "$_f" 0600 root root || _rc=1; fi
done
return $_rc`,
			Fix: `for _f in /etc/ssh/ssh_host_*_key; do
	[ -e "$_f" ] || continue
	if [ "$(stat -c %G "$_f")" = ssh_keys ]; then file_fix_mode "$_f" 0640 root ssh_keys; else file_fix_mode "$_f" 0600 root root; fi
done`,
			Pass: "every ssh_host_*_key is 0600 root:root (or 0640 root:ssh_keys)",
		},
		{
			Rule: "sshd_public_host_keys_permissions", Title: "SSH public host keys are 0644 or stricter, owned by root", CIS: all3("5.1.3", "s1w1"),
			Check: `sshd_installed || return 2
_rc=0
for _f in /etc/ssh/ssh_host_*_key.pub; do [ -e "$_f" ] || continue; file_mode "$_f" 0644 root root || _rc=1; done
return $_rc`,
			Fix:  `for _f in /etc/ssh/ssh_host_*_key.pub; do [ -e "$_f" ] && file_fix_mode "$_f" 0644 root root; done; true`,
			Pass: "every ssh_host_*_key.pub is 0644 or stricter, root:root",
		},
		{
			Rule: "sshd_access_limited", Title: "sshd limits who may log in (AllowUsers, AllowGroups, DenyUsers or DenyGroups)", CIS: all3("5.1.4", "s1w1"),
			Check: `sshd_installed || return 2
_eff=$(sshd_effective | grep -Ei '^(allowusers|allowgroups|denyusers|denygroups) ')
if [ -n "$_eff" ]; then h_say "$_eff"; return 0; fi
if [ -z "$P_ssh_allow_users$P_ssh_allow_groups$P_ssh_deny_users$P_ssh_deny_groups" ]; then
	h_say 'no AllowUsers/AllowGroups/DenyUsers/DenyGroups; set parameters ssh_allow_groups (or ssh_allow_users, ssh_deny_users, ssh_deny_groups) to users or groups that include the build user and the cloud default users'
	return 3
fi
h_say 'no access list yet'; return 1`,
			Fix: `[ -z "$P_ssh_allow_users" ] || sshd_set AllowUsers "$P_ssh_allow_users"
[ -z "$P_ssh_allow_groups" ] || sshd_set AllowGroups "$P_ssh_allow_groups"
[ -z "$P_ssh_deny_users" ] || sshd_set DenyUsers "$P_ssh_deny_users"
[ -z "$P_ssh_deny_groups" ] || sshd_set DenyGroups "$P_ssh_deny_groups"`,
			Reboot: true,
			Pass:   "sshd -T shows at least one access list; manual until the parameters name one",
			Safety: "Never guessed: an access list that omits the build user, cloud-init's default user or OS Login users locks them out.",
		},
		sshdEq("sshd_banner_configured", "sshd shows /etc/issue.net before login", "5.1.5", "s1w1", "Banner", "/etc/issue.net"),
		{
			Rule: "sshd_ciphers_strong", Title: "sshd offers no weak cipher", CIS: all3("5.1.6", "s1w1"),
			Check: `sshd_installed || return 2
s5_sshd_none_of ciphers '3des-cbc aes128-cbc aes192-cbc aes256-cbc rijndael-cbc@lysator.liu.se blowfish-cbc cast128-cbc arcfour arcfour128 arcfour256 chacha20-poly1305@openssh.com'`,
			Fix: `sshd_set Ciphers "$P_ssh_ciphers"`, Reboot: true,
			Pass:   "no CBC, RC4 or (Terrapin-affected) chacha20-poly1305 cipher in sshd -T",
			Safety: "The default list keeps AES-GCM and AES-CTR, which Packer's SSH client and every current OpenSSH client support.",
		},
		{
			Rule: "sshd_client_alive_configured", Title: "sshd drops unresponsive sessions (ClientAliveInterval and ClientAliveCountMax)", CIS: all3("5.1.7", "s1w1"),
			Check: `sshd_installed || return 2
s5_sshd_range ClientAliveInterval 1 "$P_ssh_client_alive_interval" && s5_sshd_range ClientAliveCountMax 1 "$P_ssh_client_alive_count_max"`,
			Fix:    "sshd_set ClientAliveInterval \"$P_ssh_client_alive_interval\"\nsshd_set ClientAliveCountMax \"$P_ssh_client_alive_count_max\"",
			Reboot: true,
			Pass:   "both set, above zero and within the parameters",
		},
		sshdEq("sshd_disable_forwarding", "sshd forbids all forwarding (DisableForwarding)", "5.1.8", "s2w1", "DisableForwarding", "yes"),
		sshdEq("sshd_gssapi_disabled", "sshd does not use GSSAPI authentication", "5.1.9", "s2w1", "GSSAPIAuthentication", "no"),
		sshdEq("sshd_hostbased_disabled", "sshd refuses host-based authentication", "5.1.10", "s1w1", "HostbasedAuthentication", "no"),
		sshdEq("sshd_ignore_rhosts", "sshd ignores .rhosts and .shosts", "5.1.11", "s1w1", "IgnoreRhosts", "yes"),
		{
			Rule: "sshd_kex_strong", Title: "sshd offers no weak key exchange", CIS: all3("5.1.12", "s1w1"),
			Check: `sshd_installed || return 2
s5_sshd_none_of kexalgorithms 'diffie-hellman-group1-sha1 diffie-hellman-group14-sha1 diffie-hellman-group-exchange-sha1'`,
			Fix: `sshd_set KexAlgorithms "$P_ssh_kex"`, Reboot: true,
			Pass: "no SHA-1 Diffie-Hellman key exchange in sshd -T",
		},
		sshdMax("sshd_login_grace_time", "sshd gives at most a minute to log in", "5.1.13", "LoginGraceTime", "ssh_login_grace_time"),
		{
			Rule: "sshd_log_level", Title: "sshd logs at INFO or VERBOSE", CIS: all3("5.1.14", "s1w1"),
			Check: `sshd_installed || return 2
_v=$(sshd_value LogLevel); h_say "sshd LogLevel = $_v"
case $_v in INFO | VERBOSE) s5_sshd_explicit LogLevel; return ;; esac; return 1`,
			Fix: `sshd_set LogLevel "$P_ssh_log_level"`, Reboot: true,
			Pass: "sshd -T reports loglevel INFO or VERBOSE",
		},
		{
			Rule: "sshd_macs_strong", Title: "sshd offers no weak MAC", CIS: all3("5.1.15", "s1w1"),
			Check: `sshd_installed || return 2
s5_sshd_none_of macs 'hmac-md5 hmac-md5-96 hmac-ripemd160 hmac-sha1 hmac-sha1-96 umac-64@openssh.com hmac-md5-etm@openssh.com hmac-md5-96-etm@openssh.com hmac-ripemd160-etm@openssh.com hmac-sha1-etm@openssh.com hmac-sha1-96-etm@openssh.com umac-64-etm@openssh.com umac-128-etm@openssh.com'`,
			Fix: `sshd_set MACs "$P_ssh_macs"`, Reboot: true,
			Pass: "no MD5, RIPEMD, SHA-1 or 64-bit UMAC in sshd -T",
		},
		sshdMax("sshd_max_auth_tries", "sshd allows at most four authentication attempts", "5.1.16", "MaxAuthTries", "ssh_max_auth_tries"),
		sshdMax("sshd_max_sessions", "sshd allows at most ten sessions per connection", "5.1.17", "MaxSessions", "ssh_max_sessions"),
		{
			Rule: "sshd_max_startups", Title: "sshd limits concurrent unauthenticated connections (MaxStartups 10:30:60 or stricter)", CIS: all3("5.1.18", "s1w1"),
			Check: `sshd_installed || return 2
_v=$(sshd_value MaxStartups); h_say "sshd MaxStartups = $_v"
echo "$_v" | awk -F: '{ exit !(NF == 3 && $1 <= 10 && $2 <= 30 && $3 <= 60) }'`,
			Fix: `sshd_set MaxStartups "$P_ssh_max_startups"`, Reboot: true,
			Pass: "start <= 10, rate <= 30, full <= 60",
		},
		sshdEq("sshd_permit_empty_passwords_disabled", "sshd refuses empty passwords", "5.1.19", "s1w1", "PermitEmptyPasswords", "no"),
		{
			Rule:   "sshd_permit_root_login_disabled",
			Title:  "sshd refuses root logins",
			CIS:    all3("5.1.20", "s1w1"),
			Check:  "sshd_is PermitRootLogin no",
			Fix:    "sshd_set PermitRootLogin no",
			Reboot: true,
			Pass:   "sshd -T reports permitrootlogin no",
			Safety: "sshd is not restarted; the build's session keeps working. Build as a non-root user with sudo when you want new root logins to fail.",
		},
		sshdEq("sshd_permit_user_environment_disabled", "sshd ignores users' environment files", "5.1.21", "s1w1", "PermitUserEnvironment", "no"),
		sshdEq("sshd_use_pam", "sshd uses PAM", "5.1.22", "s1w1", "UsePAM", "yes"),

		// ---- 5.2 privilege escalation
		{
			Rule: "sudo_installed", Title: "sudo is installed", CIS: all3("5.2.1", "s1w1"),
			Check: "pkg_installed sudo || pkg_installed sudo-ldap", Install: "sudo",
			Pass: "the sudo (or sudo-ldap) package is installed",
		},
		{
			Rule: "sudo_use_pty", Title: "sudo runs commands in a pseudo terminal", CIS: all3("5.2.2", "s1w1"),
			Check: `h_has sudo || return 2
s5_sudo_defaults | grep -Eq '(^|[,[:space:]])!use_pty' && { h_say 'a Defaults line disables use_pty'; return 1; }
s5_sudo_defaults | grep -Eq '(^|[,[:space:]])use_pty' || { h_say 'no Defaults use_pty'; return 1; }
h_say 'Defaults use_pty is set'`,
			Fix:  "s5_sudo_default use_pty",
			Pass: "Defaults use_pty in sudoers and no !use_pty",
		},
		{
			Rule: "sudo_log_file", Title: "sudo logs to its own file", CIS: all3("5.2.3", "s1w1"),
			Check: `h_has sudo || return 2
_l=$(s5_sudo_defaults | grep -Eo 'logfile="?[^",[:space:]]+' | tail -1)
h_say "sudo ${_l:-has no logfile}"; [ -n "$_l" ]`,
			Fix:  `s5_sudo_default "logfile=\"$P_sudo_log_file\""`,
			Pass: "a Defaults logfile= line",
		},
		{
			Rule: "sudo_requires_password", Title: "sudo asks users for their password (no NOPASSWD)", CIS: all3("5.2.4", "s2w2"),
			Check: `h_has sudo || return 2
_n=$(grep -HEs '^[^#]*NOPASSWD' /etc/sudoers /etc/sudoers.d/* | cut -d: -f1 | sort -u | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no NOPASSWD rule'; return 0; }
h_say "NOPASSWD rules in: $_n"; return 1`,
			Pass:   "no NOPASSWD tag in sudoers",
			Safety: "Check only: the build, cloud-init's default user and every later provisioner rely on passwordless sudo. Remove NOPASSWD in your own last step, or waive this control.",
		},
		{
			Rule: "sudo_reauthentication_enabled", Title: "sudo does not skip authentication globally (!authenticate)", CIS: all3("5.2.5", "s1w1"),
			Check: `h_has sudo || return 2
_n=$(grep -HEs '^[^#]*!authenticate' /etc/sudoers /etc/sudoers.d/* | cut -d: -f1 | sort -u | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no !authenticate'; return 0; }
h_say "!authenticate in: $_n"; return 1`,
			Pass:   "no !authenticate in sudoers",
			Safety: "Check only: removing it could take sudo away from the build user mid-build.",
		},
		{
			Rule: "sudo_timestamp_timeout", Title: "sudo forgets credentials within 15 minutes", CIS: all3("5.2.6", "s1w1"),
			Check: `h_has sudo || return 2
_t=$(s5_sudo_defaults | grep -Eo 'timestamp_timeout=-?[0-9]+' | tail -1 | cut -d= -f2)
h_say "timestamp_timeout ${_t:-not set, the built-in default}"
[ -n "$_t" ] && [ "$_t" -ge 0 ] && [ "$_t" -le 15 ]`,
			Fix:  `s5_sudo_default "timestamp_timeout=$P_sudo_timestamp_timeout"`,
			Pass: "set explicitly, between 0 and 15",
		},
		{
			Rule: "su_restricted", Title: "su is limited to members of an empty group", CIS: all3("5.2.7", "s1w1"),
			Check: `_l=$(grep -E '^[[:space:]]*auth[[:space:]]+(required|requisite)[[:space:]]+pam_wheel\.so' /etc/pam.d/su 2>/dev/null | grep -w use_uid | grep -o 'group=[^[:space:]]*' | head -1)
[ -n "$_l" ] || { h_say 'no pam_wheel use_uid group= line in /etc/pam.d/su'; return 1; }
_g=${_l#group=}; _m=$(getent group "$_g" | cut -d: -f4)
h_say "su requires group $_g (members: ${_m:-none})"
getent group "$_g" >/dev/null && [ -z "$_m" ]`,
			Fix: `getent group "$P_su_group" >/dev/null || groupadd "$P_su_group"
grep -Eq "^[[:space:]]*auth[[:space:]]+required[[:space:]]+pam_wheel\.so.*group=$P_su_group" /etc/pam.d/su ||
	if grep -Eq '^[[:space:]]*auth[[:space:]].*pam_rootok\.so' /etc/pam.d/su; then
		# After pam_rootok, so root itself can still su.
		sed -i -E "/^[[:space:]]*auth[[:space:]].*pam_rootok\.so/a auth       required   pam_wheel.so use_uid group=$P_su_group" /etc/pam.d/su
	else
		sed -i "1i auth       required   pam_wheel.so use_uid group=$P_su_group" /etc/pam.d/su
	fi
h_say "su requires membership of $P_su_group"`,
			Pass:   "pam_wheel use_uid group=<empty group> in /etc/pam.d/su",
			Safety: "sudo does not use /etc/pam.d/su: the build user's sudo is unaffected.",
		},

		// ---- 5.3 PAM
		{
			Rule: "pam_runtime_installed", Title: "PAM's runtime (libpam-runtime) is installed", CIS: all3("5.3.1.1", "s1w1"),
			Check: "pkg_installed libpam-runtime", Install: "libpam-runtime",
			Pass: "installed (the version is in the evidence; updates come from the distribution)",
		},
		{
			Rule: "pam_modules_installed", Title: "PAM's modules (libpam-modules) are installed", CIS: all3("5.3.1.2", "s1w1"),
			Check: "pkg_installed libpam-modules", Install: "libpam-modules",
			Pass: "installed",
		},
		{
			Rule: "pam_pwquality_installed", Title: "pam_pwquality is installed", CIS: all3("5.3.1.3", "s1w1"),
			Check: "pkg_installed libpam-pwquality", Install: "libpam-pwquality",
			Pass: "installed",
		},
		{
			Rule: "pam_unix_enabled", Title: "pam_unix is in every common PAM stack", CIS: all3("5.3.2.1", "s1w1"),
			Check: `_rc=0
for _s in auth account password session; do
	if grep -Eq '^[^#]*pam_unix\.so' /etc/pam.d/common-$_s 2>/dev/null; then h_say "common-$_s: pam_unix"; else h_say "common-$_s: no pam_unix"; _rc=1; fi
done
return $_rc`,
			Fix:  `if [ -f /usr/share/pam-configs/hardening-unix ]; then s5_pam_update hardening-unix; else s5_pam_update unix; fi`,
			Pass: "pam_unix.so in common-auth, -account, -password and -session",
		},
		{
			Rule: "pam_faillock_enabled", Title: "pam_faillock counts failed logins", CIS: all3("5.3.2.2", "s1w1"),
			Check: `_a=$(grep -Ec '^[^#]*pam_faillock\.so[[:space:]].*(preauth|authfail)' /etc/pam.d/common-auth 2>/dev/null)
_c=$(grep -Ec '^[^#]*pam_faillock\.so' /etc/pam.d/common-account 2>/dev/null)
h_say "pam_faillock: ${_a:-0} auth lines (preauth, authfail), ${_c:-0} account lines"
[ "${_a:-0}" -ge 2 ] && [ "${_c:-0}" -ge 1 ]`,
			Fix:    "s5_pam_profiles\ns5_pam_update hardening-faillock hardening-faillock-notify",
			Pass:   "preauth and authfail in common-auth, and pam_faillock in common-account",
			Safety: "Key-based SSH logins do not use the auth stack; the account stack only rejects accounts locked by failed passwords.",
		},
		{
			Rule: "pam_pwquality_enabled", Title: "pam_pwquality checks new passwords", CIS: all3("5.3.2.3", "s1w1"),
			Check:   `grep -Eq '^[^#]*pam_pwquality\.so' /etc/pam.d/common-password 2>/dev/null && { h_say 'common-password: pam_pwquality'; return 0; }; h_say 'common-password: no pam_pwquality'; return 1`,
			Fix:     "s5_pam_update pwquality",
			Install: "libpam-pwquality",
			Pass:    "pam_pwquality.so in common-password",
		},
		{
			Rule: "pam_pwhistory_enabled", Title: "pam_pwhistory refuses reused passwords", CIS: all3("5.3.2.4", "s1w1"),
			Check: `grep -Eq '^[^#]*pam_pwhistory\.so' /etc/pam.d/common-password 2>/dev/null && { h_say 'common-password: pam_pwhistory'; return 0; }; h_say 'common-password: no pam_pwhistory'; return 1`,
			Fix:   "s5_pam_profiles\ns5_pam_update hardening-pwhistory",
			Pass:  "pam_pwhistory.so in common-password",
		},
		{
			Rule: "pam_faillock_deny", Title: "Accounts lock after at most five failed logins", CIS: all3("5.3.3.1.1", "s1w1"),
			Check: `_v=$(s5_faillock deny); h_say "faillock deny = ${_v:-unset (default 3)}"; [ -z "$_v" ] || { [ "$_v" -ge 1 ] && [ "$_v" -le "$P_pam_faillock_deny" ]; }`,
			Fix:   `kv_set /etc/security/faillock.conf deny "$P_pam_faillock_deny" ' = '`,
			Pass:  "deny between 1 and the parameter (unset means 3)",
		},
		{
			Rule: "pam_faillock_unlock_time", Title: "Locked accounts stay locked for at least 15 minutes", CIS: all3("5.3.3.1.2", "s1w1"),
			Check: `_v=$(s5_faillock unlock_time); h_say "faillock unlock_time = ${_v:-unset (default 600)}"; [ -n "$_v" ] && { [ "$_v" = 0 ] || [ "$_v" -ge 900 ]; }`,
			Fix:   `kv_set /etc/security/faillock.conf unlock_time "$P_pam_faillock_unlock_time" ' = '`,
			Pass:  "unlock_time 0 (never) or at least 900",
		},
		{
			Rule: "pam_faillock_root", Title: "Failed-login lockout also applies to root", CIS: all3("5.3.3.1.3", "s2w2"),
			Check: `_e=$(grep -Es '^[[:space:]]*even_deny_root' /etc/security/faillock.conf); _r=$(s5_faillock root_unlock_time)
h_say "even_deny_root: ${_e:-no}; root_unlock_time: ${_r:-unset}"
[ -n "$_e" ] && { [ -z "$_r" ] || [ "$_r" -ge 60 ]; }`,
			Fix: `grep -Eq '^[[:space:]]*even_deny_root' /etc/security/faillock.conf 2>/dev/null || echo even_deny_root >>/etc/security/faillock.conf
kv_set /etc/security/faillock.conf root_unlock_time "$P_pam_faillock_root_unlock_time" ' = '`,
			Pass: "even_deny_root with root_unlock_time of at least 60",
		},
		pwq("pwquality_difok", "New passwords differ from the old in at least two characters", "5.3.3.2.1", "difok", "ge", "pwquality_difok"),
		pwq("pwquality_minlen", "Passwords are at least 14 characters long", "5.3.3.2.2", "minlen", "ge", "pwquality_minlen"),
		pwq("pwquality_complexity", "Passwords mix character classes", "5.3.3.2.3", "minclass", "ge", "pwquality_minclass"),
		pwq("pwquality_maxrepeat", "Passwords repeat a character at most three times in a row", "5.3.3.2.4", "maxrepeat", "le", "pwquality_maxrepeat"),
		pwq("pwquality_maxsequence", "Passwords hold no sequence longer than three characters", "5.3.3.2.5", "maxsequence", "le", "pwquality_maxsequence"),
		{
			Rule: "pwquality_dictcheck", Title: "Passwords are checked against a dictionary", CIS: all3("5.3.3.2.6", "s1w1"),
			Check: `_v=$(s5_pwq_value dictcheck); h_say "pwquality dictcheck = ${_v:-unset (default 1)}"; [ "${_v:-1}" != 0 ]`,
			Fix:   "s5_pwq_set dictcheck 1", Install: "libpam-pwquality",
			Pass: "dictcheck not 0",
		},
		{
			Rule: "pwquality_enforcing", Title: "Weak passwords are refused, not only warned about", CIS: all3("5.3.3.2.7", "s1w1"),
			Check: `_v=$(s5_pwq_value enforcing); h_say "pwquality enforcing = ${_v:-unset (default 1)}"
grep -Eq '^[^#]*pam_pwquality\.so.*enforcing=0' /etc/pam.d/common-password 2>/dev/null && { h_say 'enforcing=0 on the PAM line'; return 1; }
[ "${_v:-1}" != 0 ]`,
			Fix: "s5_pwq_set enforcing 1", Install: "libpam-pwquality",
			Pass: "enforcing not 0 in pwquality.conf or on the PAM line",
		},
		{
			Rule: "pwquality_enforce_for_root", Title: "Password quality applies to root too", CIS: all3("5.3.3.2.8", "s1w1"),
			Check: `s5_pwq_all | grep -Eq '^[[:space:]]*enforce_for_root' && { h_say 'enforce_for_root is set'; return 0; }; h_say 'enforce_for_root is not set'; return 1`,
			Fix:   `s5_pwq_set enforce_for_root ''`, Install: "libpam-pwquality",
			Pass: "enforce_for_root in pwquality.conf(.d)",
		},
		{
			Rule: "pwhistory_remember", Title: "The last 24 passwords cannot be reused", CIS: all3("5.3.3.3.1", "s1w1"),
			Check: `_v=$(grep -Es '^[^#]*pam_pwhistory\.so' /etc/pam.d/common-password | grep -Eo 'remember=[0-9]+' | cut -d= -f2)
h_say "pam_pwhistory remember = ${_v:-unset}"; [ -n "$_v" ] && [ "$_v" -ge "$P_pwhistory_remember" ]`,
			Fix:  "s5_pam_profiles\ns5_pam_update hardening-pwhistory",
			Pass: "remember= on the pam_pwhistory line is at least the parameter",
		},
		{
			Rule: "pwhistory_enforce_for_root", Title: "Password history applies to root too", CIS: all3("5.3.3.3.2", "s1w1"),
			Check: `grep -Es '^[^#]*pam_pwhistory\.so' /etc/pam.d/common-password | grep -qw enforce_for_root && { h_say 'pam_pwhistory: enforce_for_root'; return 0; }; h_say 'pam_pwhistory without enforce_for_root'; return 1`,
			Fix:   "s5_pam_profiles\ns5_pam_update hardening-pwhistory",
			Pass:  "enforce_for_root on the pam_pwhistory line",
		},
		{
			Rule: "pwhistory_use_authtok", Title: "pam_pwhistory checks the password already entered (use_authtok)", CIS: all3("5.3.3.3.3", "s1w1"),
			Check: `grep -Es '^[^#]*pam_pwhistory\.so' /etc/pam.d/common-password | grep -qw use_authtok && { h_say 'pam_pwhistory: use_authtok'; return 0; }; h_say 'pam_pwhistory without use_authtok'; return 1`,
			Fix:   "s5_pam_profiles\ns5_pam_update hardening-pwhistory",
			Pass:  "use_authtok on the pam_pwhistory line",
		},
		{
			Rule: "pam_unix_no_nullok", Title: "pam_unix refuses empty passwords (no nullok)", CIS: all3("5.3.3.4.1", "s1w1"),
			Check: `_n=$(grep -lEs '^[^#]*pam_unix\.so.*nullok' /etc/pam.d/common-* | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no nullok on pam_unix lines'; return 0; }; h_say "nullok in: $_n"; return 1`,
			Fix:  "s5_unix_profile_drop",
			Pass: "no nullok on pam_unix lines",
		},
		{
			Rule: "pam_unix_no_remember", Title: "pam_unix keeps no password history (pam_pwhistory does)", CIS: all3("5.3.3.4.2", "s1w1"),
			Check: `_n=$(grep -lEs '^[^#]*pam_unix\.so.*remember=' /etc/pam.d/common-* | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no remember= on pam_unix lines'; return 0; }; h_say "remember= in: $_n"; return 1`,
			Fix:  "s5_unix_profile_drop",
			Pass: "no remember= on pam_unix lines",
		},
		{
			Rule: "pam_unix_strong_hash", Title: "pam_unix hashes new passwords with yescrypt or SHA-512", CIS: all3("5.3.3.4.3", "s1w1"),
			Check: `_l=$(grep -Es '^[^#]*password.*pam_unix\.so' /etc/pam.d/common-password)
h_say "${_l:-no pam_unix password line}"; echo "$_l" | grep -Eqw 'yescrypt|sha512'`,
			Pass: "yescrypt or sha512 on the pam_unix password line",
		},
		{
			Rule: "pam_unix_use_authtok", Title: "pam_unix stores the password the quality checks accepted (use_authtok)", CIS: all3("5.3.3.4.4", "s1w1"),
			Check: `_l=$(grep -Es '^[^#]*password.*pam_unix\.so' /etc/pam.d/common-password)
h_say "${_l:-no pam_unix password line}"; echo "$_l" | grep -qw use_authtok`,
			Fix:  "s5_pam_update pwquality",
			Pass: "use_authtok on the pam_unix password line",
		},

		// ---- 5.4 user accounts and environment
		{
			Rule: "pass_max_days", Title: "Passwords expire within a year", CIS: all3("5.4.1.1", "s1w1"),
			Check: `s5_logindefs_between PASS_MAX_DAYS 1 "$P_pass_max_days" && s5_users_field 5 1 "$P_pass_max_days"`,
			Fix:   `kv_set /etc/login.defs PASS_MAX_DAYS "$P_pass_max_days" '	'; s5_hashed_users | while read -r _u; do chage --maxdays "$P_pass_max_days" "$_u"; done`,
			Pass:  "PASS_MAX_DAYS and every password-holding user's maximum age within 1..pass_max_days",
		},
		{
			Rule: "pass_min_days", Title: "Passwords cannot be changed again the same day", CIS: all3("5.4.1.2", "s2w2"),
			Check: `s5_logindefs_between PASS_MIN_DAYS "$P_pass_min_days" 99999 && s5_users_field 4 "$P_pass_min_days" 99999`,
			Fix:   `kv_set /etc/login.defs PASS_MIN_DAYS "$P_pass_min_days" '	'; s5_hashed_users | while read -r _u; do chage --mindays "$P_pass_min_days" "$_u"; done`,
			Pass:  "PASS_MIN_DAYS and every password-holding user's minimum age at least pass_min_days",
		},
		{
			Rule: "pass_warn_age", Title: "Users are warned a week before their password expires", CIS: all3("5.4.1.3", "s1w1"),
			Check: `s5_logindefs_between PASS_WARN_AGE "$P_pass_warn_age" 99999 && s5_users_field 6 "$P_pass_warn_age" 99999`,
			Fix:   `kv_set /etc/login.defs PASS_WARN_AGE "$P_pass_warn_age" '	'; s5_hashed_users | while read -r _u; do chage --warndays "$P_pass_warn_age" "$_u"; done`,
			Pass:  "PASS_WARN_AGE and every password-holding user's warning at least pass_warn_age",
		},
		{
			Rule: "pass_hash_strong", Title: "New passwords are hashed with yescrypt or SHA-512 (login.defs)", CIS: all3("5.4.1.4", "s1w1"),
			Check: `_v=$(kv_value /etc/login.defs ENCRYPT_METHOD); h_say "ENCRYPT_METHOD ${_v:-unset}"; case $_v in SHA512 | YESCRYPT) return 0 ;; esac; return 1`,
			Fix:   `kv_set /etc/login.defs ENCRYPT_METHOD YESCRYPT '	'`,
			Pass:  "ENCRYPT_METHOD SHA512 or YESCRYPT",
		},
		{
			Rule: "pass_inactive", Title: "Accounts are disabled 45 days after their password expires", CIS: all3("5.4.1.5", "s1w1"),
			Check: `_v=$(useradd -D | awk -F= '$1 == "INACTIVE" { print $2 }'); h_say "useradd default INACTIVE = $_v"
[ "${_v:--1}" -ge 0 ] && [ "$_v" -le "$P_pass_inactive_days" ] && s5_users_field 7 0 "$P_pass_inactive_days"`,
			Fix:  `useradd -D -f "$P_pass_inactive_days"; s5_hashed_users | while read -r _u; do chage --inactive "$P_pass_inactive_days" "$_u"; done`,
			Pass: "useradd's INACTIVE and every password-holding user's inactivity within 0..pass_inactive_days",
		},
		{
			Rule: "pass_last_change_past", Title: "No user's last password change lies in the future", CIS: all3("5.4.1.6", "s1w1"),
			Check: `_today=$(( $(date +%s) / 86400 ))
_bad=$(awk -F: -v t="$_today" '$3 ~ /^[0-9]+$/ && $3 > t { print $1 }' /etc/shadow | tr '\n' ' ')
[ -z "$_bad" ] && { h_say 'every last change date is in the past'; return 0; }; h_say "future last change: $_bad"; return 1`,
			Pass: "no shadow lastchg after today (check only: the date must be corrected by hand)",
		},
		{
			Rule: "root_only_uid0", Title: "root is the only account with UID 0", CIS: all3("5.4.2.1", "s1w1"),
			Check: `_u=$(awk -F: '$3 == 0 { print $1 }' /etc/passwd | tr '\n' ' '); h_say "UID 0: $_u"; [ "$_u" = "root " ]`,
			Pass:  "only root has UID 0 (check only)",
		},
		{
			Rule: "root_only_gid0_account", Title: "root is the only account whose primary group is GID 0", CIS: all3("5.4.2.2", "s1w1"),
			Check: `_u=$(awk -F: '$4 == 0 && $1 !~ /^(root|sync|shutdown|halt|operator)$/ { print $1 }' /etc/passwd | tr '\n' ' ')
[ -z "$_u" ] && { h_say 'only root (and the sync/shutdown/halt/operator system accounts) has GID 0'; return 0; }; h_say "GID 0 accounts: $_u"; return 1`,
			Pass: "no other account has primary GID 0 (check only)",
		},
		{
			Rule: "root_only_gid0_group", Title: "root is the only group with GID 0", CIS: all3("5.4.2.3", "s1w1"),
			Check: `_g=$(awk -F: '$3 == 0 { print $1 }' /etc/group | tr '\n' ' '); h_say "GID 0 groups: $_g"; [ "$_g" = "root " ]`,
			Pass:  "only group root has GID 0 (check only)",
		},
		{
			Rule: "root_access_controlled", Title: "root has a password or is locked", CIS: all3("5.4.2.4", "s1w1"),
			Check: `_p=$(awk -F: '$1 == "root" { print substr($2, 1, 1) }' /etc/shadow)
case $_p in '$') h_say 'root has a password'; return 0 ;; '!' | '*') h_say 'root is locked'; return 0 ;; esac
h_say 'root has an empty password field'; return 1`,
			Fix:  "usermod -L root && h_say 'locked root'",
			Pass: "root's shadow field is a hash or locked; the hash is never shown",
		},
		{
			Rule: "root_path_integrity", Title: "root's PATH holds only root-owned, non-writable directories", CIS: all3("5.4.2.5", "s1w1"),
			Check: `# root's login shell reads /etc/profile and ~/.profile; run one (without su,
# whose PAM session is slow in a chroot) to see the PATH it ends up with.
_sh=$(awk -F: '$1 == "root" { print $7 }' /etc/passwd); [ -x "$_sh" ] || _sh=/bin/sh
_path=$(cd /root && env -i HOME=/root USER=root LOGNAME=root SHELL="$_sh" "$_sh" -l -c 'printf %s "$PATH"' 2>/dev/null </dev/null)
h_say "root PATH: $_path"; _rc=0
case ":$_path:" in *::* | *:.:*) h_say 'empty or . entry'; _rc=1 ;; esac
_IFS=$IFS; IFS=:
for _d in $_path; do
	[ -n "$_d" ] || continue
	if [ ! -d "$_d" ]; then h_say "$_d: not a directory"; continue; fi
	[ "$(stat -Lc %u "$_d")" = 0 ] || { h_say "$_d: not owned by root"; _rc=1; }
	[ $((0$(stat -Lc %a "$_d") & 022)) = 0 ] || { h_say "$_d: group or world writable"; _rc=1; }
done
IFS=$_IFS; return $_rc`,
			Pass: "no empty or . entry; every directory root-owned and not group or world writable (check only)",
		},
		{
			Rule: "root_umask", Title: "root's shells start with umask 027 or stricter", CIS: all3("5.4.2.6", "s1w1"),
			Check: `_rc=1
for _f in /root/.bash_profile /root/.bashrc /root/.profile; do
	[ -f "$_f" ] || continue
	for _m in $(awk '$1 == "umask" { print $2 }' "$_f"); do
		h_say "$_f: umask $_m"
		if [ $((0$_m & 027)) = $((027)) ]; then _rc=0; else h_say "$_f: umask $_m is weaker than 027"; return 1; fi
	done
done
[ $_rc = 0 ] || h_say 'no umask in root dot files'; return $_rc`,
			Fix: `for _f in /root/.bash_profile /root/.bashrc /root/.profile; do [ -f "$_f" ] && sed -i -E 's/^([[:space:]]*umask[[:space:]]+)[0-7]+/\10027/' "$_f"; done
grep -Eq '^[[:space:]]*umask' /root/.bashrc 2>/dev/null || printf 'umask 0027\n' >>/root/.bashrc
h_say 'root umask 0027 in /root/.bashrc'`,
			Pass: "an explicit umask of 027 or stricter, and none weaker, in root's dot files",
		},
		{
			Rule: "system_accounts_nologin", Title: "System accounts have no login shell", CIS: all3("5.4.2.7", "s1w1"),
			Check: `_bad=$(s5_system_with_shell | tr '\n' ' ')
[ -z "$_bad" ] && { h_say 'no system account has a login shell'; return 0; }; h_say "system accounts with a login shell: $_bad"; return 1`,
			Fix:  `s5_system_with_shell | while read -r _u; do usermod -s "$(command -v nologin || echo /usr/sbin/nologin)" "$_u" && h_say "$_u: shell nologin"; done`,
			Pass: "accounts below UID_MIN other than root, sync, shutdown and halt have a shell outside /etc/shells",
		},
		{
			Rule: "nologin_accounts_locked", Title: "Accounts without a login shell are locked", CIS: all3("5.4.2.8", "s1w1"),
			Check: `_bad=$(s5_unlocked_nologin | tr '\n' ' ')
[ -z "$_bad" ] && { h_say 'every account without a login shell is locked'; return 0; }; h_say "not locked: $_bad"; return 1`,
			Fix:    `s5_unlocked_nologin | while read -r _u; do usermod -L "$_u" && h_say "locked $_u"; done`,
			Pass:   "the shadow field of every non-root account without a valid shell starts with ! or *",
			Safety: "The build user ($SUDO_USER) is never locked.",
		},
		{
			Rule: "shells_no_nologin", Title: "/etc/shells does not list nologin", CIS: all3("5.4.3.1", "s2w2"),
			Check: `grep -Eq '^[^#]*/nologin$' /etc/shells && { h_say 'nologin is in /etc/shells'; return 1; }; h_say 'nologin is not in /etc/shells'`,
			Fix:   `sed -i -E '/^[^#]*\/nologin$/d' /etc/shells && h_say 'removed nologin from /etc/shells'`,
			Pass:  "no nologin line in /etc/shells",
		},
		{
			Rule: "shell_timeout", Title: "Idle interactive shells end after 15 minutes (TMOUT)", CIS: all3("5.4.3.2", "s1w1"),
			Check: `_l=$(grep -hEs '^[^#]*TMOUT=[0-9]+' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc)
_v=$(echo "$_l" | grep -Eo 'TMOUT=[0-9]+' | cut -d= -f2 | sort -n | tail -1)
h_say "TMOUT: ${_v:-not set}"
[ -n "$_v" ] && [ "$_v" -ge 1 ] && [ "$_v" -le "$P_shell_timeout" ] || return 1
grep -Eqs '^[^#]*readonly[[:space:]]+TMOUT' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc && grep -Eqs '^[^#]*export[[:space:]]+TMOUT' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc`,
			Fix: `cat >/etc/profile.d/50-hardening-tmout.sh <<-EOF
	# Written by packer-plugin-hardening: idle interactive shells end.
	if ! readonly -p 2>/dev/null | grep -q TMOUT; then
	TMOUT=$P_shell_timeout
	readonly TMOUT
	export TMOUT
	fi
	EOF
chmod 0644 /etc/profile.d/50-hardening-tmout.sh; h_say "TMOUT=$P_shell_timeout in /etc/profile.d/50-hardening-tmout.sh"`,
			Pass:   "TMOUT between 1 and shell_timeout, readonly and exported, in a file login shells read",
			Safety: "Only login shells read /etc/profile.d: Packer's non-interactive SSH commands never see TMOUT.",
		},
		{
			Rule: "default_umask", Title: "Users start with umask 027 or stricter", CIS: all3("5.4.3.3", "s1w1"),
			Check: `_d=$(kv_value /etc/login.defs UMASK); h_say "login.defs UMASK ${_d:-unset}"
[ -n "$_d" ] && [ $((0$_d & 027)) = $((027)) ] || return 1
for _m in $(grep -hEs '^[[:space:]]*umask[[:space:]]+[0-7]+' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc | awk '{ print $2 }'); do
	[ $((0$_m & 027)) = $((027)) ] || { h_say "a profile file sets umask $_m"; return 1; }
done
grep -qEs '^[[:space:]]*umask[[:space:]]+0?[0-7]*[27]7' /etc/profile.d/*.sh /etc/profile || { h_say 'no umask in /etc/profile(.d)'; return 1; }`,
			Fix: `kv_set /etc/login.defs UMASK "$P_umask_default" '		'
for _f in /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc; do [ -f "$_f" ] && sed -i -E "s/^([[:space:]]*umask[[:space:]]+)[0-7]+/\1$P_umask_default/" "$_f"; done
printf '# Written by packer-plugin-hardening.\numask %s\n' "$P_umask_default" >/etc/profile.d/50-hardening-umask.sh
if [ -f /etc/bash.bashrc ] && ! grep -Eq '^[[:space:]]*umask[[:space:]]' /etc/bash.bashrc; then printf 'umask %s\n' "$P_umask_default" >>/etc/bash.bashrc; fi
chmod 0644 /etc/profile.d/50-hardening-umask.sh`,
			Pass: "login.defs UMASK and every umask in the profile files 027 or stricter, with one set in /etc/profile.d",
		},
	}
}

// accessLib holds the helpers of chapter 5 (prefixed s5_).
const accessLib = `
# s5_sshd_range KEY MIN MAX: sshd's effective numeric KEY is within MIN..MAX.
s5_sshd_range() {
	sshd_installed || return 2
	_v=$(sshd_value "$1"); h_say "sshd $1 = ${_v:-(unset)}"
	case $_v in '' | *[!0-9]*) return 1 ;; esac
	[ "$_v" -ge "$2" ] && [ "$_v" -le "$3" ]
}

# s5_sshd_none_of KEY 'WEAK...': sshd's effective list KEY has none of WEAK.
s5_sshd_none_of() {
	_v=$(sshd_value "$1"); h_say "sshd $1 = $_v"; _rc=0
	for _w in $2; do
		case ",$_v," in *",$_w,"*) h_say "weak: $_w"; _rc=1 ;; esac
	done
	[ $_rc = 0 ] && s5_sshd_explicit "$1"
}

# s5_sshd_explicit KEY: KEY is set in sshd_config or a drop-in, so the value
# does not depend on the OpenSSH version's default.
s5_sshd_explicit() {
	grep -Eqis "^[[:space:]]*$1[[:space:]]" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf && return 0
	h_say "$1 is only sshd's built-in default; it will be set explicitly"; return 1
}

# s5_sudo_defaults: the active Defaults lines of sudoers and its drop-ins.
s5_sudo_defaults() { grep -hEs '^[[:space:]]*Defaults' /etc/sudoers /etc/sudoers.d/*; }

# s5_sudo_default SETTING: add "Defaults SETTING" to our sudoers drop-in,
# validated by visudo before it is used.
s5_sudo_default() {
	_f=/etc/sudoers.d/99-hardening
	_key=${1%%=*}
	{ [ -f "$_f" ] && grep -v "^Defaults[[:space:]]*$_key\b" "$_f"; printf 'Defaults %s\n' "$1"; } >"$H_WORK/sudoers" || true
	visudo -cqf "$H_WORK/sudoers" || { h_say "visudo rejected Defaults $1"; return 1; }
	# Judge the whole policy only if it was valid before (a broken file of
	# someone else's must not block us), and undo our change if we broke it.
	_was_ok=0; visudo -cq >/dev/null 2>&1 && _was_ok=1
	rm -f "$H_WORK/sudoers.bak"; [ -f "$_f" ] && cp -p "$_f" "$H_WORK/sudoers.bak"
	install -m 0440 -o root -g root "$H_WORK/sudoers" "$_f"
	if [ $_was_ok = 1 ] && ! visudo -cq >/dev/null 2>&1; then
		if [ -f "$H_WORK/sudoers.bak" ]; then cp -p "$H_WORK/sudoers.bak" "$_f"; else rm -f "$_f"; fi
		h_say "sudoers became invalid with Defaults $1: restored the previous $_f"; return 1
	fi
	h_say "Defaults $1 in $_f"
}

# s5_faillock KEY: the value of KEY in faillock.conf.
s5_faillock() { awk -F= -v k="$1" '{ gsub(/[ \t]/, "", $1) } $1 == k { gsub(/[ \t]/, "", $2); v = $2 } END { print v }' /etc/security/faillock.conf 2>/dev/null; }

# s5_pwq_all: pwquality.conf and its drop-ins in the order they are read.
s5_pwq_all() { cat /etc/security/pwquality.conf /etc/security/pwquality.conf.d/*.conf 2>/dev/null; }

# s5_pwq_value KEY: the last value of KEY.
s5_pwq_value() { s5_pwq_all | awk -F= -v k="$1" '{ gsub(/[ \t]/, "", $1) } $1 == k { gsub(/[ \t]/, "", $2); v = $2 } END { print v }'; }

# s5_pwq_cmp KEY ge|le BOUND: the effective KEY compared with BOUND.
s5_pwq_cmp() {
	_v=$(s5_pwq_value "$1"); h_say "pwquality $1 = ${_v:-unset}"
	case $_v in '' | *[!0-9-]*) return 1 ;; esac
	[ "$_v" -"$2" "$3" ] && [ "$_v" -gt 0 ]
}

# s5_pwq_set KEY VALUE: set KEY in /etc/security/pwquality.conf (no
# "= VALUE" when empty), where administrators and scanners look first.
s5_pwq_set() {
	_f=/etc/security/pwquality.conf
	[ -f "$_f" ] || : >"$_f"
	grep -Ev "^[[:space:]]*$1([[:space:]=]|\$)" "$_f" >"$H_WORK/pwq" || true
	if [ -n "$2" ]; then printf '%s = %s\n' "$1" "$2" >>"$H_WORK/pwq"; else printf '%s\n' "$1" >>"$H_WORK/pwq"; fi
	cat "$H_WORK/pwq" >"$_f"
	# A drop-in read later would win: take the key out of them.
	for _d in /etc/security/pwquality.conf.d/*.conf; do
		[ -f "$_d" ] && sed -i -E "s/^([[:space:]]*$1([[:space:]=]|\$))/# \1/" "$_d"
	done
	h_say "pwquality $1 ${2:+= $2} in $_f"
}

# s5_pam_profiles writes our pam-auth-update profiles for faillock and
# pwhistory (Debian's way of composing the common-* stacks).
s5_pam_profiles() {
	cat >/usr/share/pam-configs/hardening-faillock <<EOF
Name: Lock accounts after repeated failed logins (packer-plugin-hardening)
Default: yes
Priority: 0
Auth-Type: Primary
Auth:
	[default=die] pam_faillock.so authfail
EOF
	cat >/usr/share/pam-configs/hardening-faillock-notify <<EOF
Name: Count failed logins and reset the count on success (packer-plugin-hardening)
Default: yes
Priority: 1024
Auth-Type: Primary
Auth:
	requisite pam_faillock.so preauth
Account-Type: Primary
Account:
	required pam_faillock.so
EOF
	cat >/usr/share/pam-configs/hardening-pwhistory <<EOF
Name: Refuse reused passwords (packer-plugin-hardening)
Default: yes
Priority: 1024
Password-Type: Primary
Password:
	requisite pam_pwhistory.so remember=$P_pwhistory_remember enforce_for_root try_first_pass use_authtok
EOF
	chmod 0644 /usr/share/pam-configs/hardening-*
}

# s5_pam_update PROFILE...: enable the profiles, non-interactively.
s5_pam_update() {
	DEBIAN_FRONTEND=noninteractive pam-auth-update --enable "$@" && h_say "pam-auth-update --enable $*"
}

# s5_unix_profile_drop: use hardening-unix, a copy of the distribution's
# unix pam-auth-update profile without nullok and remember=, in place of
# unix, so a libpam-runtime update cannot bring them back.
s5_unix_profile_drop() {
	_src=/usr/share/pam-configs/unix
	[ -f "$_src" ] || { h_say "no $_src"; return 1; }
	awk '/^Name:/ { print "Name: Unix authentication without nullok (packer-plugin-hardening)"; next }
		/pam_unix\.so/ { gsub(/[ \t]+nullok[a-z_]*/, ""); gsub(/[ \t]+remember=[0-9]*/, "") }
		{ print }' "$_src" >/usr/share/pam-configs/hardening-unix
	chmod 0644 /usr/share/pam-configs/hardening-unix
	DEBIAN_FRONTEND=noninteractive pam-auth-update --enable hardening-unix
	DEBIAN_FRONTEND=noninteractive pam-auth-update --disable unix
	h_say 'pam-auth-update: hardening-unix (no nullok, no remember=) in place of unix'
}

# s5_logindefs_between KEY MIN MAX
s5_logindefs_between() {
	_v=$(kv_value /etc/login.defs "$1"); h_say "login.defs $1 = ${_v:-unset}"
	case $_v in '' | *[!0-9]*) return 1 ;; esac
	[ "$_v" -ge "$2" ] && [ "$_v" -le "$3" ]
}

# s5_hashed_users: users whose shadow field is a password hash.
s5_hashed_users() { awk -F: '$2 ~ /^\$/ { print $1 }' /etc/shadow; }

# s5_users_field N MIN MAX: shadow field N of every hashed user within MIN..MAX.
s5_users_field() {
	_bad=$(awk -F: -v n="$1" -v lo="$2" -v hi="$3" '$2 ~ /^\$/ && ($n == "" || $n < lo || $n > hi) { print $1 }' /etc/shadow | tr '\n' ' ')
	[ -z "$_bad" ] && return 0
	h_say "users outside $2..$3: $_bad"; return 1
}

# s5_valid_shells: the login shells of /etc/shells, nologin excluded.
s5_valid_shells() { grep -Ev '^[[:space:]]*(#|$)|nologin' /etc/shells; }

# s5_system_with_shell: system accounts that have a valid login shell.
s5_system_with_shell() {
	_min=$(kv_value /etc/login.defs UID_MIN); _shells=$(s5_valid_shells | tr '\n' ' ')
	awk -F: -v min="${_min:-1000}" -v shells=" $_shells " '
		$1 !~ /^(root|sync|shutdown|halt|nfsnobody)$/ && ($3 < min || $3 == 65534) && index(shells, " " $7 " ") { print $1 }' /etc/passwd
}

# s5_unlocked_nologin: accounts without a valid shell whose password is not
# locked (root and the build user excepted).
s5_unlocked_nologin() {
	_shells=$(s5_valid_shells | tr '\n' ' ')
	awk -F: -v shells=" $_shells " '!index(shells, " " $7 " ") { print $1 }' /etc/passwd |
		while read -r _u; do
			[ "$_u" = root ] || [ "$_u" = "${SUDO_USER:-}" ] && continue
			case $(awk -F: -v u="$_u" '$1 == u { print substr($2, 1, 1) }' /etc/shadow) in '!' | '*') ;; *) echo "$_u" ;; esac
		done
}
`
