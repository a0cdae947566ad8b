useradd -M rt-hash
usermod -p 'x6xsaltxhash' rt-hash
pwunconv
