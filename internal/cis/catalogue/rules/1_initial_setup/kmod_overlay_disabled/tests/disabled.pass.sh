printf 'install overlay /bin/false\nblacklist overlay\n' >/etc/modprobe.d/50-test.conf
