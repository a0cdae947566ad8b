[ ! -e /etc/tmpfiles.d/systemd.conf ]
