# The administrator's own pam-auth-update profile.
cat >/usr/share/pam-configs/rt-faillock <<'END'
Name: faillock (test)
Default: yes
Priority: 1024
Auth-Type: Primary
Auth:
	requisite pam_faillock.so preauth
Auth-Initial:
	requisite pam_faillock.so preauth
Account-Type: Primary
Account:
	required pam_faillock.so
END
cat >/usr/share/pam-configs/rt-faillock-fail <<'END'
Name: faillock authfail (test)
Default: yes
Priority: 0
Auth-Type: Primary
Auth:
	[default=die] pam_faillock.so authfail
END
plat_pam_enable rt-faillock rt-faillock-fail
