s1_banner_check /etc/issue.net
