# Installed as Debian does it: the timer runs logrotate.
[ -f /etc/logrotate.d/rsyslog ]
