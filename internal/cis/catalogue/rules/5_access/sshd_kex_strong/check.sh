sshd_installed || return 2
s5_sshd_none_of kexalgorithms 'diffie-hellman-group1-sha1 diffie-hellman-group14-sha1 diffie-hellman-group-exchange-sha1'
