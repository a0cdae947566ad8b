s1_banner_write /etc/motd "$P_banner_text"
