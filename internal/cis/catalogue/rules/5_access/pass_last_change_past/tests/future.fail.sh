# No remediation: it is reported.
useradd -m -p "\$6\$rt\$0123456789abcdef" rt-user
chage -d "$(date -d '+30 days' +%Y-%m-%d)" rt-user
