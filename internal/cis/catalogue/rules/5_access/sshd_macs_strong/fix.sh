sshd_set MACs "$P_ssh_macs"
