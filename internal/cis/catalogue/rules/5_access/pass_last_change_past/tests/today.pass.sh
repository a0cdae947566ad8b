useradd -m -p "\$6\$rt\$0123456789abcdef" rt-user
chage -d "$(date +%Y-%m-%d)" rt-user
