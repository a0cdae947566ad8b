printf '[daemon]\n[security]\n[xdmcp]\nEnable=true\n' >/etc/gdm3/custom.conf
