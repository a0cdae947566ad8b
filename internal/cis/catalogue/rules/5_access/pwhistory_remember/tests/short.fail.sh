# pam_pwhistory remembers too few passwords.
_opts='remember=5 enforce_for_root use_authtok'
cat >/usr/share/pam-configs/rt-pwhistory <<END
Name: pwhistory (test)
Default: yes
Priority: 1024
Password-Type: Primary
Password:
	requisite pam_pwhistory.so $_opts
END
plat_pam_enable rt-pwhistory
