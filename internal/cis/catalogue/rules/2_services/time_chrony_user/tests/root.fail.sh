printf 'user root\n' >>/etc/chrony/chrony.conf
