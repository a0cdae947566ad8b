# pam_pwhistory without enforce_for_root: root may reuse passwords.
_opts='remember=24 use_authtok'
cat >/usr/share/pam-configs/rt-pwhistory <<END
Name: pwhistory (test)
Default: yes
Priority: 1024
Password-Type: Primary
Password:
	requisite pam_pwhistory.so $_opts
END
plat_pam_enable rt-pwhistory
