sshd_set Ciphers "$P_ssh_ciphers"
