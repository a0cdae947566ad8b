printf 'install squashfs /bin/false\nblacklist squashfs\n' >/etc/modprobe.d/50-test.conf
