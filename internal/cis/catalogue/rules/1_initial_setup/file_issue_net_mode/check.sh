s1_banner_mode /etc/issue.net
