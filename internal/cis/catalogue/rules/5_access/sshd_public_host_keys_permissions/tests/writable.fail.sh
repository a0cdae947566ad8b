chmod 0666 /etc/ssh/ssh_host_ed25519_key.pub
