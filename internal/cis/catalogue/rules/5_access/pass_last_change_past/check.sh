_today=$(( $(date +%s) / 86400 ))
_bad=$(awk -F: -v t="$_today" '$3 ~ /^[0-9]+$/ && $3 > t { print $1 }' /etc/shadow | tr '\n' ' ')
[ -z "$_bad" ] && { h_say 'every last change date is in the past'; return 0; }; h_say "future last change: $_bad"; return 1
