# Debian's rsyslog.conf has its network inputs commented out.
! grep -Eq '^[^#]*(imtcp|imudp)' /etc/rsyslog.conf
