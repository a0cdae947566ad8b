grep -q '^pool ' /etc/chrony/chrony.conf
