# Core dumps limited, but setuid programs may dump.
printf '* hard core 0\n' >/etc/security/limits.d/50-test.conf
printf 'fs.suid_dumpable = 2\n' >/etc/sysctl.d/50-test.conf
