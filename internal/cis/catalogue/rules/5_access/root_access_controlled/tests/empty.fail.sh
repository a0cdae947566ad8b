usermod -p '' root
