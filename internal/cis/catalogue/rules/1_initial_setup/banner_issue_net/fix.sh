s1_banner_write /etc/issue.net "$P_banner_text"
