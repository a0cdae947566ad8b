# the administrator's drop-in sets the value.
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\n%s=%s\n' "$V_key" "$V_value" >/etc/systemd/journald.conf.d/50-test.conf
