maint_dots fix
