_rc=0
for _u in systemd-journal-remote.socket systemd-journal-remote.service; do
	_s=$(plat_svc_state "$_u")
	h_say "$_u: ${_s:-not installed}"
	[ "$_s" = masked ] || _rc=1
done
return $_rc
