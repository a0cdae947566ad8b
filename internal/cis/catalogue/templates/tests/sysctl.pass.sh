# The administrator's own file sets the values.
for _kv in $V_settings; do
	printf '%s = %s\n' "${_kv%%=*}" "${_kv#*=}" >>/etc/sysctl.d/60-test.conf
done
