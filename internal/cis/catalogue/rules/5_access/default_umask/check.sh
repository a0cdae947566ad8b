_d=$(kv_value /etc/login.defs UMASK); h_say "login.defs UMASK ${_d:-unset}"
[ -n "$_d" ] && [ $((0$_d & 027)) = $((027)) ] || return 1
_ms=$(grep -hEs '^[[:space:]]*umask[[:space:]]+[0-7]+' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc | awk '{ print $2 }')
for _m in $_ms; do
	[ $((0$_m & 027)) = $((027)) ] || { h_say "a profile file sets umask $_m"; return 1; }
done
grep -qEs '^[[:space:]]*umask[[:space:]]+0?[0-7]*[27]7' /etc/profile.d/*.sh /etc/profile || { h_say 'no umask in /etc/profile(.d)'; return 1; }
