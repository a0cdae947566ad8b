# Installed, but ufw.conf says ENABLED=no.
grep -q '^ENABLED=no' /etc/ufw/ufw.conf
