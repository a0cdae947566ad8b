! grep -q '^user' /etc/chrony/chrony.conf
