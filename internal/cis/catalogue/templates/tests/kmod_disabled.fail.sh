# Only half disabled: a blacklist line, no install line.
for _t in /etc/modprobe.d/*.conf; do
	[ -f "$_t" ] && sed -i "/^[[:space:]]*\(install\|blacklist\)[[:space:]]\+$V_module\([[:space:]]\|\$\)/d" "$_t"
done
printf 'blacklist %s\n' "$V_module" >/etc/modprobe.d/50-test.conf
