# Disabled by the administrator's own file, mapped to /bin/true.
printf 'install %s /bin/true\nblacklist %s\n' "$V_module" "$V_module" >/etc/modprobe.d/50-test.conf
