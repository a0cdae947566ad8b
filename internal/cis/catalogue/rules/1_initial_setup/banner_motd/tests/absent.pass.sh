# The banner is optional: no /etc/motd at all is compliant.
rm -f /etc/motd
