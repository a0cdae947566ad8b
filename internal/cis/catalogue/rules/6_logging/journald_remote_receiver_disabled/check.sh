_rc=0
for _u in systemd-journal-remote.socket systemd-journal-remote.service; do
	_s=$(systemctl is-enabled "$_u" 2>/dev/null)
	h_say "$_u: ${_s:-not installed}"
	[ "$_s" = masked ] || _rc=1
done
return $_rc
