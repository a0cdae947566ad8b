# Every required pam_wheel line must be satisfied: one with an empty group
# is enough to keep everyone but root out.
_gs=$(grep -E '^[[:space:]]*auth[[:space:]]+(required|requisite)[[:space:]]+pam_wheel\.so' /etc/pam.d/su 2>/dev/null | grep -w use_uid | grep -o 'group=[^[:space:]]*' | cut -d= -f2)
[ -n "$_gs" ] || { h_say 'no pam_wheel use_uid group= line in /etc/pam.d/su'; return 1; }
for _g in $_gs; do
	getent group "$_g" >/dev/null || { h_say "su requires group $_g, which does not exist"; continue; }
	_m=$(getent group "$_g" | cut -d: -f4)
	h_say "su requires group $_g (members: ${_m:-none})"
	[ -z "$_m" ] && return 0
done
return 1
