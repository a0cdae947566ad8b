_e=$(grep -Es '^[[:space:]]*even_deny_root' /etc/security/faillock.conf); _r=$(s5_faillock root_unlock_time)
h_say "even_deny_root: ${_e:-no}; root_unlock_time: ${_r:-unset}"
[ -n "$_e" ] && { [ -z "$_r" ] || [ "$_r" -ge 60 ]; }
