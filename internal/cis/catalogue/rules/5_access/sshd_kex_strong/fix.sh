sshd_set KexAlgorithms "$P_ssh_kex"
