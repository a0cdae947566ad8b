_v=$(s5_faillock deny); h_say "faillock deny = ${_v:-unset (default 3)}"; [ -z "$_v" ] || { [ "$_v" -ge 1 ] && [ "$_v" -le "$P_pam_faillock_deny" ]; }
