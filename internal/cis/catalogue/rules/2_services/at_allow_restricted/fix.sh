svc2_allow_fix /etc/at.allow daemon
[ ! -e /etc/at.deny ] || svc2_allow_fix /etc/at.deny daemon
