# A rule added to rules.d without compiling audit.rules.
printf -- '-w /etc/rt-test -p wa -k rt\n' >/etc/audit/rules.d/50-test.rules
