s1_banner_mode /etc/motd
