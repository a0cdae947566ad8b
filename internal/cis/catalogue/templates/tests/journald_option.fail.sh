# A drop-in that sorts before ours sets another value.
case $V_value in yes) _bad=no ;; no) _bad=yes ;; *) _bad=volatile ;; esac
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\n%s=%s\n' "$V_key" "$_bad" >/etc/systemd/journald.conf.d/50-test.conf
