_v=$(s5_pwq_value enforcing); h_say "pwquality enforcing = ${_v:-unset (built-in default 1)}"
grep -Eq '^[^#]*pam_pwquality\.so.*enforcing=0' /etc/pam.d/common-password 2>/dev/null && { h_say 'enforcing=0 on the PAM line'; return 1; }
[ -n "$_v" ] || { h_say 'enforcing is only the built-in default; it will be written to pwquality.conf, where scanners read it'; return 1; }
[ "$_v" != 0 ]
