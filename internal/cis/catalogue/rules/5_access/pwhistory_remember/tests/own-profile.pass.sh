# The administrator's own pam-auth-update profile.
_opts='remember=24 enforce_for_root use_authtok'
cat >/usr/share/pam-configs/rt-pwhistory <<END
Name: pwhistory (test)
Default: yes
Priority: 1024
Password-Type: Primary
Password:
	requisite pam_pwhistory.so $_opts
END
plat_pam_enable rt-pwhistory
