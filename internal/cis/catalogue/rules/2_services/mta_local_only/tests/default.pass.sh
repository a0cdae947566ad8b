# Debian's exim4 listens on loopback only.
grep -q "^dc_local_interfaces='127.0.0.1 ; ::1'" /etc/exim4/update-exim4.conf.conf
