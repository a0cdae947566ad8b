# A file earlier in systemd-sysctl's order sets the opposite values.
for _kv in $V_settings; do
	_v=${_kv#*=}
	[ "$_v" = 0 ] && _v=1 || _v=0
	printf '%s = %s\n' "${_kv%%=*}" "$_v" >>/etc/sysctl.d/50-test.conf
done
