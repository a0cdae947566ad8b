# No remediation: it is reported.
# shellcheck disable=SC2016 # for root's login shell to expand
printf 'PATH="$PATH:."\n' >>/root/.profile
