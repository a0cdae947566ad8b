! grep -rqs 'overlay' /etc/modprobe.d
