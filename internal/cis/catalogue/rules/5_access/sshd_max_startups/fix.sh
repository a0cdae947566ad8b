sshd_set MaxStartups "$P_ssh_max_startups"
