# A drop-in that sorts after ours (like cloud-init's) sets another value.
case $V_value in yes) _bad=no ;; no) _bad=yes ;; /*) _bad=none ;; *) _bad=$((V_value + 100)) ;; esac
mkdir -p /etc/ssh/sshd_config.d
printf '%s %s\n' "$V_key" "$_bad" >/etc/ssh/sshd_config.d/50-test.conf
