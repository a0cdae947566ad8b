sed -i '/^### RULES ###/a -A ufw-user-input -p tcp --dport 22 -j ACCEPT' /etc/ufw/user.rules
sed -i '/^### RULES ###/a -A ufw6-user-input -p tcp --dport 22 -j ACCEPT' /etc/ufw/user6.rules
