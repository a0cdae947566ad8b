# -e 2, then a later file (in augenrules' order) sets -e 1 again.
printf -- '-e 2\n' >/etc/audit/rules.d/50-test.rules
printf -- '-e 1\n' >/etc/audit/rules.d/90-test.rules
