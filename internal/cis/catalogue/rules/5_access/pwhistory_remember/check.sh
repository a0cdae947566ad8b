# With several pam_pwhistory lines the longest history is refused.
_v=$(grep -Es '^[^#]*pam_pwhistory\.so' /etc/pam.d/common-password | grep -Eo 'remember=[0-9]+' | cut -d= -f2 | sort -n | tail -1)
h_say "pam_pwhistory remember = ${_v:-unset}"; [ -n "$_v" ] && [ "$_v" -ge "$P_pwhistory_remember" ]
