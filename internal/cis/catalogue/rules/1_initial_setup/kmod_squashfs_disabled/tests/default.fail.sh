! grep -rqs 'squashfs' /etc/modprobe.d
