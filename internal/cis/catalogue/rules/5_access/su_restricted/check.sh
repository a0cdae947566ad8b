_l=$(grep -E '^[[:space:]]*auth[[:space:]]+(required|requisite)[[:space:]]+pam_wheel\.so' /etc/pam.d/su 2>/dev/null | grep -w use_uid | grep -o 'group=[^[:space:]]*' | head -1)
[ -n "$_l" ] || { h_say 'no pam_wheel use_uid group= line in /etc/pam.d/su'; return 1; }
_g=${_l#group=}; _m=$(getent group "$_g" | cut -d: -f4)
h_say "su requires group $_g (members: ${_m:-none})"
getent group "$_g" >/dev/null && [ -z "$_m" ]
