chmod 0644 /etc/ssh/ssh_host_ed25519_key
