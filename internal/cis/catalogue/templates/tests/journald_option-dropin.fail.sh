# Only a drop-in sets the value: journald uses it, but scanners that read
# journald.conf alone do not see it.
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\n%s=%s\n' "$V_key" "$V_value" >/etc/systemd/journald.conf.d/50-test.conf
