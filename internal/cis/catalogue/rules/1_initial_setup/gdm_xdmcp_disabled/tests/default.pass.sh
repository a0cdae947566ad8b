# Debian's custom.conf has an empty [xdmcp] section.
grep -q '^\[xdmcp\]' /etc/gdm3/daemon.conf
