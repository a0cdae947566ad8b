mkdir -p /etc/systemd/journald.conf.d
{ printf '[Journal]\n'; for _kv in $P_journald_rotation; do printf '%s\n' "$_kv"; done; } >/etc/systemd/journald.conf.d/60-test.conf
