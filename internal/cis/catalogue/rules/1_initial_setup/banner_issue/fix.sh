s1_banner_write /etc/issue "$P_banner_text"
