# journald's built-in limits only.
[ ! -d /etc/systemd/journald.conf.d ] || ! grep -rqs SystemMaxUse /etc/systemd/journald.conf.d
