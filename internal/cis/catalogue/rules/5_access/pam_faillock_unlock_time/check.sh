_v=$(s5_faillock unlock_time); h_say "faillock unlock_time = ${_v:-unset (default 600)}"; [ -n "$_v" ] && { [ "$_v" = 0 ] || [ "$_v" -ge 900 ]; }
