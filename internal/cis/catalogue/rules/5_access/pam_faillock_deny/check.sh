_v=$(s5_faillock deny); h_say "faillock deny = ${_v:-unset (built-in default 3)}"
[ -n "$_v" ] || { h_say 'deny is only the built-in default; it will be written to faillock.conf, where scanners read it'; return 1; }
[ "$_v" -ge 1 ] && [ "$_v" -le "$P_pam_faillock_deny" ]
