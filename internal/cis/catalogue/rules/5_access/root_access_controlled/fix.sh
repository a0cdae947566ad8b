usermod -L root && h_say 'locked root'
