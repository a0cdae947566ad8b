s1_banner_check /etc/motd optional
