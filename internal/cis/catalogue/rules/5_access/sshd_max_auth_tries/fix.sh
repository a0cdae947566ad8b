sshd_set MaxAuthTries "$P_ssh_max_auth_tries"
