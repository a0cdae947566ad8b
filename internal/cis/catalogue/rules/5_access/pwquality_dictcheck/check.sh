_v=$(s5_pwq_value dictcheck); h_say "pwquality dictcheck = ${_v:-unset (built-in default 1)}"
[ -n "$_v" ] || { h_say 'dictcheck is only the built-in default; it will be written to pwquality.conf, where scanners read it'; return 1; }
[ "$_v" != 0 ]
