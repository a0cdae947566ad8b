# The rules "ufw allow in on lo", "ufw allow out on lo" and "ufw deny in
# from 127.0.0.0/8" (and ::1) write.
sed -i '/^### RULES ###/a -A ufw-user-input -i lo -j ACCEPT\n-A ufw-user-output -o lo -j ACCEPT\n-A ufw-user-input -s 127.0.0.0/8 -j DROP' /etc/ufw/user.rules
sed -i '/^### RULES ###/a -A ufw6-user-input -i lo -j ACCEPT\n-A ufw6-user-output -o lo -j ACCEPT\n-A ufw6-user-input -s ::1 -j DROP' /etc/ufw/user6.rules
