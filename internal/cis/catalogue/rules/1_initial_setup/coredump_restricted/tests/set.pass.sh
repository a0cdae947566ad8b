printf '* hard core 0\n' >/etc/security/limits.d/50-test.conf
printf 'fs.suid_dumpable = 0\n' >/etc/sysctl.d/60-test.conf
