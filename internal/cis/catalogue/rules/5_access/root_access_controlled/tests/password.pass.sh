usermod -p "\$6\$rt\$0123456789abcdef" root
