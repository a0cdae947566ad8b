# Debian's at has an at.deny and no at.allow.
[ ! -e /etc/at.allow ]
