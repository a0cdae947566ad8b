mkdir -p /opt/rt-bin && chmod 0755 /opt/rt-bin
# shellcheck disable=SC2016 # for root's login shell to expand
printf 'PATH="$PATH:/opt/rt-bin"\n' >>/root/.profile
