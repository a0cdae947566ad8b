useradd -m rt-empty
usermod -p '' rt-empty
